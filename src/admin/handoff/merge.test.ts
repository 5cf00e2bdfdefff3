import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolView } from '../../proxy/upstream/types.js';
import { host, inputs, openBreaker, pool } from './fixtures.test-util.js';
import { mergeHandoffInputs } from './merge.js';

const base = { now: 0, config_version: 'v2', draining: false, optional_pools: [], changes: [] };
const firstPools = (views: PoolView[][]) => views[0] ?? [];
const t = (s: number) => new Date(s * 1000).toISOString();

test('mergeHandoffInputs: load is the max, traffic summed, concurrency the busiest worker', () => {
  const w1 = inputs({
    load: {
      cpu_percent: 30,
      event_loop_utilization_percent: 70,
      event_loop_delay_p99_ms: 5,
      window_ms: 10_000,
    },
    concurrency: [{ pool: 'app', in_flight: 10, limit: 100 }],
    traffic: { window_seconds: 60, requests: 10, errors_5xx: 1, bounds_ms: [10], counts: [9, 1] },
  });
  const w2 = inputs({
    load: {
      cpu_percent: 60,
      event_loop_utilization_percent: 20,
      event_loop_delay_p99_ms: 9,
      window_ms: 10_000,
    },
    concurrency: [{ pool: 'app', in_flight: 50, limit: 100 }],
    traffic: { window_seconds: 60, requests: 5, errors_5xx: 2, bounds_ms: [10], counts: [5, 0] },
  });
  const m = mergeHandoffInputs(
    [
      { id: 1, inputs: w1 },
      { id: 2, inputs: w2 },
    ],
    base,
    firstPools,
  );
  assert.deepEqual(m.load, {
    cpu_percent: 60,
    event_loop_utilization_percent: 70,
    event_loop_delay_p99_ms: 9,
    window_ms: 10_000,
  });
  assert.deepEqual(m.concurrency, [{ pool: 'app', in_flight: 50, limit: 100 }]);
  assert.deepEqual(m.traffic, {
    window_seconds: 60,
    requests: 15,
    errors_5xx: 3,
    bounds_ms: [10],
    counts: [14, 1],
  });
  assert.equal(m.workers, 2);
  assert.equal(m.config_version, 'v2');
});

test('mergeHandoffInputs: changes merged by time, tagged by worker; one reload shown once', () => {
  const reload = (s: number) => ({
    time: t(s),
    type: 'config.reload' as const,
    reason: 'api: loaded version v2',
  });
  const w1 = inputs({
    changes: [{ time: t(5), type: 'host.ejected', pool: 'app', host: 'a', reason: 'x' }, reload(2)],
  });
  const w2 = inputs({
    changes: [{ time: t(4), type: 'host.restored', pool: 'app', host: 'b', reason: 'y' }, reload(3)],
  });
  const own = [{ time: t(6), type: 'config.reload' as const, reason: 'api: rejected (1 problem)' }];
  const m = mergeHandoffInputs(
    [
      { id: 1, inputs: w1 },
      { id: 2, inputs: w2 },
    ],
    { ...base, changes: own },
    firstPools,
  );
  assert.deepEqual(
    m.changes.map((c) => [c.type, c.worker]),
    [
      ['config.reload', undefined],
      ['host.ejected', 1],
      ['host.restored', 2],
      ['config.reload', undefined],
    ],
  );
});

test('mergeHandoffInputs: pools through the given merge; route breakers and alerts unioned', () => {
  const rb = { route: 'r', pool: 'app', state: 'open' as const, since: t(1) };
  const w1 = inputs({ pools: [pool('app', [host('a', { breaker: openBreaker })])], route_breakers: [rb] });
  const w2 = inputs({ route_breakers: [rb] });
  const m = mergeHandoffInputs(
    [
      { id: 1, inputs: w1 },
      { id: 2, inputs: w2 },
    ],
    base,
    firstPools,
  );
  assert.equal(m.pools[0]!.hosts[0]!.breaker?.state, 'open');
  assert.deepEqual(m.route_breakers, [rb]);
  assert.equal(mergeHandoffInputs([], base, firstPools).traffic, null);
});
