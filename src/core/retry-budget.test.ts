import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('always allows minConcurrent retries, even with no traffic', () => {
    const b = new RetryBudget({ ratio: 0.2, minConcurrent: 3 });
    assert.equal(b.maxRetries, 3);
    assert.ok(b.tryAcquireRetry());
    assert.ok(b.tryAcquireRetry());
    assert.ok(b.tryAcquireRetry());
    assert.equal(b.tryAcquireRetry(), false);
    assert.equal(b.activeRetries, 3);
  });

  it('grows with active requests: floor(ratio * active)', () => {
    const b = new RetryBudget({ ratio: 0.2, minConcurrent: 3 });
    for (let i = 0; i < 24; i++) b.requestStarted();
    assert.equal(b.activeRequests, 24);
    assert.equal(b.maxRetries, 4); // floor(4.8)
    for (let i = 0; i < 4; i++) assert.ok(b.tryAcquireRetry());
    assert.equal(b.tryAcquireRetry(), false);
  });

  it('frees a slot on releaseRetry', () => {
    const b = new RetryBudget({ ratio: 0, minConcurrent: 1 });
    assert.ok(b.tryAcquireRetry());
    assert.equal(b.tryAcquireRetry(), false);
    b.releaseRetry();
    assert.ok(b.tryAcquireRetry());
  });

  it('does not go below zero on unmatched finish/release', () => {
    const b = new RetryBudget({ ratio: 0.5, minConcurrent: 0 });
    b.requestFinished();
    b.releaseRetry();
    assert.equal(b.activeRequests, 0);
    assert.equal(b.activeRetries, 0);
    assert.equal(b.tryAcquireRetry(), false); // 0 active, min 0: no retries at all
  });

  it('rejects bad options', () => {
    assert.throws(() => new RetryBudget({ ratio: -0.1, minConcurrent: 1 }), RangeError);
    assert.throws(() => new RetryBudget({ ratio: 0.2, minConcurrent: -1 }), RangeError);
    assert.throws(() => new RetryBudget({ ratio: 0.2, minConcurrent: 1.5 }), RangeError);
  });

  it('never grants a retry beyond its max', () => {
    const op = fc.constantFrom('start', 'finish', 'retry', 'release');
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(op, { maxLength: 300, size: 'max' }),
        (ratio, minConcurrent, ops) => {
          const b = new RetryBudget({ ratio, minConcurrent });
          let active = 0;
          let retries = 0;
          for (const o of ops) {
            if (o === 'start') active++;
            if (o === 'finish' && active > 0) active--;
            if (o === 'release' && retries > 0) retries--;
            if (o === 'start') b.requestStarted();
            else if (o === 'finish') b.requestFinished();
            else if (o === 'release') b.releaseRetry();
            else {
              const max = Math.max(minConcurrent, Math.floor(ratio * active));
              const ok = b.tryAcquireRetry();
              assert.equal(ok, retries < max);
              if (ok) retries++;
              // At the moment a retry is granted the budget holds (finishing requests may shrink
              // the max below the retries already running later; those are not cancelled).
              if (ok) assert.ok(b.activeRetries <= b.maxRetries);
            }
            assert.equal(b.activeRequests, active);
            assert.equal(b.activeRetries, retries);
          }
        },
      ),
    );
  });
});
