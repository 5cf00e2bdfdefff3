import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from '../../core/events.js';
import { WorkerMetricsAggregator } from './cluster.js';
import { createMetrics, createPrimaryMetrics, type Metrics } from './index.js';
import { done } from './metrics.test-util.js';

const source = { pools: () => [], configVersion: () => 'v1' };
const COUNT =
  'http_server_request_duration_seconds_count{http_route="api",keel_pool="app",http_request_method="GET",http_response_status_code="200"}';

/** A worker process: its own bus and registry (process metrics off: the test reads only Keel's). */
function worker(requests: number): { bus: EventBus; m: Metrics } {
  const bus = new EventBus();
  const m = createMetrics(bus, source, { process: false });
  bus.channel('config.reload').publish({ ok: true, version: 'v1', source: 'startup', problems: [], at: 0 });
  for (let i = 0; i < requests; i++) {
    bus.channel('request.start').publish({ requestId: 'r', route: 'api', pool: 'app', method: 'GET', at: 0 });
    bus.channel('request.done').publish(done());
  }
  return { bus, m };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('WorkerMetricsAggregator', () => {
  it('sums the workers and counts config loads once, from the primary', async () => {
    const [a, b] = [worker(3), worker(4)];
    const primary = createPrimaryMetrics(new EventBus(), () => 'v1');
    const agg = new WorkerMetricsAggregator();
    const text = await agg.text(
      [
        { slot: 1, pid: 10, metrics: await a.m.json() },
        { slot: 2, pid: 20, metrics: await b.m.json() },
      ],
      await primary.json(),
    );
    assert.equal(sample(text, COUNT), 7);
    assert.equal(sample(text, 'keel_config_reloads_total{result="ok",source="startup"}'), 1);
    assert.equal(sample(text, 'keel_config_info{version="v1"}'), 1);
  });

  it('keeps counters whole when a worker is missing or restarted (no gaps, no double counting)', async () => {
    const agg = new WorkerMetricsAggregator();
    const primary = await createPrimaryMetrics(new EventBus(), () => 'v1').json();
    const a = worker(5);
    const b = worker(2);
    const inflight = 'keel_requests_in_flight{http_route="api",keel_pool="app"}';
    b.bus
      .channel('request.start')
      .publish({ requestId: 'x', route: 'api', pool: 'app', method: 'GET', at: 0 });
    const both = await agg.text(
      [
        { slot: 1, pid: 10, metrics: await a.m.json() },
        { slot: 2, pid: 20, metrics: await b.m.json() },
      ],
      primary,
    );
    assert.equal(sample(both, COUNT), 7);
    assert.equal(sample(both, inflight), 1);
    // Slot 2 does not answer (restarting): its last counters stay, its gauges go.
    const oneMissing = await agg.text([{ slot: 1, pid: 10, metrics: await a.m.json() }], primary);
    assert.equal(sample(oneMissing, COUNT), 7);
    assert.notEqual(sample(oneMissing, inflight), 1);
    // Slot 2 is back as a new process with 1 request: 5 + 2 (the old process) + 1.
    const b2 = worker(1);
    const restarted = await agg.text(
      [
        { slot: 1, pid: 10, metrics: await a.m.json() },
        { slot: 2, pid: 21, metrics: await b2.m.json() },
      ],
      primary,
    );
    assert.equal(sample(restarted, COUNT), 8);
    // The same process answering again is not counted twice.
    b2.bus.channel('request.done').publish(done());
    const again = await agg.text(
      [
        { slot: 1, pid: 10, metrics: await a.m.json() },
        { slot: 2, pid: 21, metrics: await b2.m.json() },
      ],
      primary,
    );
    assert.equal(sample(again, COUNT), 9);
  });
});
