/** Entry point of a `keel run --workers N` worker process (cluster.setupPrimary exec). */
import { applyHeapGrowthFromEnv } from './heap-growth.js';
import { keepTickShape } from './tick-shape.js';
import { runWorker } from './worker.js';

applyHeapGrowthFromEnv();
keepTickShape();
runWorker();
