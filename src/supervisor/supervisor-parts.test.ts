import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import type { HostView, PoolView } from '../proxy/upstream/types.js';
import { mergePools } from './merge.js';
import { RestartBackoff } from './restart-backoff.js';
import { WorkerRpc } from './rpc.js';

describe('RestartBackoff', () => {
  it('doubles from base to max, and resets after a long enough run', () => {
    const clock = new ManualClock(0);
    const b = new RestartBackoff({ baseMs: 100, maxMs: 1000, resetAfterMs: 30_000 }, clock);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      b.started();
      clock.advance(10);
      delays.push(b.exited());
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    b.started();
    clock.advance(30_000);
    assert.equal(b.exited(), 100);
  });
});

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

describe('WorkerRpc', () => {
  it('matches answers to requests by id, and times out', async () => {
    const sent: Array<{ id: number }> = [];
    const rpc = new WorkerRpc({ send: (m) => sent.push(m as { id: number }) > 0 });
    const p1 = rpc.call({ kind: 'pools' }, 1000);
    const p2 = rpc.call({ kind: 'routes' }, 1000);
    rpc.answer(sent[1]!.id, true, ['r']);
    rpc.answer(sent[0]!.id, true, ['p']);
    assert.deepEqual(await p1, ['p']);
    assert.deepEqual(await p2, ['r']);
    await assert.rejects(rpc.call({ kind: 'ready' }, 5), /within 5ms/);
    const p3 = rpc.call({ kind: 'ready' }, 1000);
    rpc.failAll('worker exited');
    await assert.rejects(p3, /worker exited/);
    const p4 = rpc.call({ kind: 'ready' }, 1000);
    rpc.answer(sent.at(-1)!.id, false, 'boom');
    await assert.rejects(p4, /boom/);
  });

  it('fails the call, without throwing, when the channel is already closed (EPIPE)', async () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const rpc = new WorkerRpc({
      send: (_m, cb) => {
        queueMicrotask(() => cb(epipe));
        return false;
      },
    });
    await assert.rejects(rpc.call({ kind: 'pools' }, 1000), /cannot reach worker: write EPIPE/);
  });
});
