import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostView, PoolView } from '../proxy/upstream/types.js';
import { mergePools } from './merge-pools.js';

const host = (over: Partial<HostView>): HostView => ({
  name: 'a',
  origin: 'http://127.0.0.1:1',
  weight: 1,
  effective_weight: 1,
  healthy: true,
  ejected: false,
  ejected_until: null,
  ejections: 0,
  breaker: { state: 'closed', opened_at: null, retry_after_ms: 0 },
  slow_start: false,
  in_flight: 1,
  latency_ewma_ms: 10,
  state: 'healthy',
  ...over,
});
const pool = (hosts: HostView[], over: Partial<PoolView> = {}): PoolView => ({
  name: 'app',
  algorithm: 'p2c_ewma',
  panic: false,
  available: hosts.length,
  total: hosts.length,
  in_flight: 2,
  queue_depth: 0,
  retry_budget: { active_requests: 2, active_retries: 0, max_retries: 3 },
  hosts,
  endpoints: [],
  ...over,
});

describe('mergePools', () => {
  it('shows each host at its worst state on any worker and sums counts', () => {
    const w1 = [pool([host({ name: 'a' }), host({ name: 'b' })])];
    const w2 = [
      pool(
        [
          host({
            name: 'a',
            state: 'breaker_open',
            breaker: { state: 'open', opened_at: 'x', retry_after_ms: 900 },
          }),
          host({ name: 'b', latency_ewma_ms: 30 }),
        ],
        { available: 1 },
      ),
    ];
    const [m] = mergePools([w1, w2]);
    assert.ok(m);
    assert.equal(m.available, 1);
    assert.equal(m.in_flight, 4);
    assert.equal(m.retry_budget.max_retries, 6);
    const [a, b] = m.hosts;
    assert.equal(a?.state, 'breaker_open');
    assert.equal(a?.breaker?.state, 'open');
    assert.equal(a?.in_flight, 2);
    assert.equal(b?.state, 'healthy');
    assert.equal(b?.latency_ewma_ms, 20);
  });
  it('is the identity for one worker, and empty for none', () => {
    const one = [pool([host({})])];
    assert.deepEqual(mergePools([one]), one);
    assert.deepEqual(mergePools([]), []);
  });
});
