import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerEventLoopUtilization, utilizationBetween } from './event-loop.js';

const elu = (idle: number, active: number) => ({ idle, active, utilization: 0 });

describe('event-loop utilisation', () => {
  it('is the busy share between two readings', () => {
    assert.equal(utilizationBetween(elu(100, 100), elu(175, 125)), 0.25);
    assert.equal(utilizationBetween(elu(1, 1), elu(1, 1)), 0);
  });

  it('reports the delta since the previous scrape, not since the process started', async () => {
    const readings = [elu(0, 0), elu(90, 10), elu(100, 100)];
    const registry = new Registry();
    registerEventLoopUtilization(registry, () => readings.shift()!);
    const read = async () =>
      (await registry.getSingleMetric('nodejs_eventloop_utilization')!.get()).values[0]!.value;
    assert.equal(await read(), 0.1);
    assert.equal(await read(), 0.9);
  });
});
