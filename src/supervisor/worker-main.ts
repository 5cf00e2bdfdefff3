/** Entry point of a `keel run --workers N` worker process (cluster.setupPrimary exec). */
import { runWorker } from './worker.js';

runWorker();
