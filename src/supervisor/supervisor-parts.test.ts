import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
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
