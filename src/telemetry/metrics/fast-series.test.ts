import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregatorRegistry, Gauge, Histogram, Registry } from 'prom-client';
import { FastGauge, FastHistogram } from './fast-series.js';
import { DURATION_BUCKETS } from './labels.js';

const labelNames = ['route', 'status'];
const observations: Array<[string, string, number]> = [
  ['api', '200', 0.003],
  ['api', '200', 0.1], // exactly on a bound: counted in le="0.1" (le is inclusive)
  ['api', '200', 0.31],
  ['api', '500', 12], // above every bound: only +Inf
  ['web', '200', 0.05],
];

describe('fast series', () => {
  it('render exactly what prom-client renders for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram({
      name: 'h_seconds',
      help: 'h',
      labelNames,
      buckets: DURATION_BUCKETS,
      registry: ours,
    });
    const slow = new Histogram({
      name: 'h_seconds',
      help: 'h',
      labelNames,
      buckets: [...DURATION_BUCKETS],
      registers: [theirs],
    });
    const cells = new Map<string, ReturnType<FastHistogram['cell']>>();
    for (const [route, status, v] of observations) {
      const key = `${route}/${status}`;
      if (!cells.has(key)) cells.set(key, fast.cell([route, status]));
      cells.get(key)!.observe(v);
      slow.labels(route, status).observe(v);
    }
    const g = new FastGauge({ name: 'g', help: 'g', labelNames: ['route'], registry: ours });
    const cell = g.cell(['api']);
    cell.inc();
    cell.inc();
    cell.dec();
    new Gauge({ name: 'g', help: 'g', labelNames: ['route'], registers: [theirs] }).set({ route: 'api' }, 1);
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it('aggregate across registries like prom-client metrics (summed)', async () => {
    const regs = [new Registry(), new Registry()];
    for (const registry of regs) {
      const h = new FastHistogram({
        name: 'h_seconds',
        help: 'h',
        labelNames,
        buckets: DURATION_BUCKETS,
        registry,
      });
      h.cell(['api', '200']).observe(0.2);
    }
    const json = await Promise.all(regs.map((r) => r.getMetricsAsJSON()));
    const text = await AggregatorRegistry.aggregate(json).metrics();
    assert.match(text, /^h_seconds_count\{route="api",status="200"\} 2$/m);
    assert.match(text, /^h_seconds_bucket\{[^}]*le="0.2"[^}]*\} 2$/m);
  });

  it('reset zeroes the cells and keeps them usable', async () => {
    const registry = new Registry();
    const h = new FastHistogram({
      name: 'h_seconds',
      help: 'h',
      labelNames,
      buckets: DURATION_BUCKETS,
      registry,
    });
    const c = h.cell(['api', '200']);
    c.observe(1);
    registry.resetMetrics();
    c.observe(0.5);
    assert.equal(c.count, 1);
    assert.equal(c.sum, 0.5);
  });
});
