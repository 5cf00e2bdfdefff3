import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadyBody } from './api-types.js';
import { deriveReadiness } from './health.js';
import { mergeReadiness } from './health-merge.js';

const now = Date.UTC(2026, 0, 1);
const primary = { version: '0.1.0', releaseId: 'cfg', draining: false, now };
function worker(available: number, optional = false): ReadyBody {
  return deriveReadiness({
    version: '0.1.0',
    releaseId: 'cfg',
    configLoaded: true,
    draining: false,
    pools: [{ name: 'web', available, total: 2, optional }],
    now,
  });
}

describe('mergeReadiness', () => {
  it('keeps every worker entry under the same key, marked by componentId', () => {
    const r = mergeReadiness(primary, [
      { id: 1, live: true, body: worker(2) },
      { id: 2, live: true, body: worker(1) },
    ]);
    assert.equal(r.status, 'pass');
    assert.deepEqual(
      r.checks['pool:web']?.map((c) => [c.componentId, c.observedValue]),
      [
        ['worker-1', 2],
        ['worker-2', 1],
      ],
    );
    assert.equal(r.checks['workers:up']?.[0]?.observedValue, 2);
    assert.equal(r.releaseId, 'cfg');
  });

  it('one worker without a host for a required pool fails the node; an optional one warns', () => {
    const fail = mergeReadiness(primary, [
      { id: 1, live: true, body: worker(2) },
      { id: 2, live: true, body: worker(0) },
    ]);
    assert.equal(fail.status, 'fail');
    const warn = mergeReadiness(primary, [
      { id: 1, live: true, body: worker(2, true) },
      { id: 2, live: true, body: worker(0, true) },
    ]);
    assert.equal(warn.status, 'warn');
  });

  it('workers:up: restarting warns, a stuck live worker or none answering fails, draining fails', () => {
    const restarting = mergeReadiness(primary, [
      { id: 1, live: true, body: worker(2) },
      { id: 2, live: false, body: null },
    ]);
    assert.equal(restarting.status, 'warn');
    assert.match(restarting.checks['workers:up']?.[0]?.output ?? '', /1\/2 workers answered; 1 restarting/);
    const stuck = mergeReadiness(primary, [
      { id: 1, live: true, body: worker(2) },
      { id: 2, live: true, body: null, error: 'worker did not answer "ready" within 2000ms' },
    ]);
    assert.equal(stuck.status, 'fail');
    assert.match(stuck.checks['workers:up']?.[0]?.output ?? '', /worker 2: worker did not answer/);
    assert.equal(mergeReadiness(primary, []).status, 'fail');
    const draining = mergeReadiness({ ...primary, draining: true }, [{ id: 1, live: true, body: worker(2) }]);
    assert.equal(draining.status, 'fail');
    assert.equal(draining.checks['gateway:draining']?.[0]?.componentId, 'primary');
  });
});
