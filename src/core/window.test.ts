import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from './clock.js';
import { RollingCounter } from './window.js';

describe('RollingCounter', () => {
  const make = (windowMs = 1000, buckets = 10) => {
    const clock = new ManualClock(0);
    return { clock, c: new RollingCounter({ windowMs, buckets }, clock) };
  };

  it('starts empty', () => {
    assert.deepEqual(make().c.totals(), { total: 0, failures: 0 });
  });

  it('counts requests and failures', () => {
    const { c } = make();
    c.record(false);
    c.record(true);
    c.record(true);
    assert.deepEqual(c.totals(), { total: 3, failures: 2 });
  });

  it('keeps a record for exactly one window at bucket granularity', () => {
    const { clock, c } = make(1000, 10);
    c.record(true);
    clock.set(999);
    assert.deepEqual(c.totals(), { total: 1, failures: 1 });
    clock.set(1000);
    assert.deepEqual(c.totals(), { total: 0, failures: 0 });
  });

  it('expires old buckets one by one', () => {
    const { clock, c } = make(1000, 10);
    c.record(true); // bucket 0
    clock.set(550);
    c.record(false); // bucket 5
    clock.set(1000);
    assert.deepEqual(c.totals(), { total: 1, failures: 0 });
    clock.set(1499); // bucket 5 covers [500, 600): it is counted until 1500
    assert.deepEqual(c.totals(), { total: 1, failures: 0 });
    clock.set(1500);
    assert.deepEqual(c.totals(), { total: 0, failures: 0 });
  });

  it('reuses a slot after the ring wraps without leaking the old counts', () => {
    const { clock, c } = make(1000, 10);
    c.record(true);
    c.record(true);
    clock.set(1000); // same slot, next lap
    c.record(false);
    assert.deepEqual(c.totals(), { total: 1, failures: 0 });
  });

  it('forgets everything after a long silence', () => {
    const { clock, c } = make(1000, 4);
    for (let i = 0; i < 4; i++) {
      c.record(true);
      clock.advance(250);
    }
    clock.advance(1_000_000);
    assert.deepEqual(c.totals(), { total: 0, failures: 0 });
  });

  it('supports a bucket width that is not a whole number of ms', () => {
    const { clock, c } = make(1000, 3);
    c.record(true);
    clock.set(999);
    assert.equal(c.totals().total, 1);
    clock.set(1000);
    assert.equal(c.totals().total, 0);
  });

  it('reset() clears all buckets', () => {
    const { c } = make();
    c.record(true);
    c.reset();
    assert.deepEqual(c.totals(), { total: 0, failures: 0 });
  });

  it('rejects a meaningless shape', () => {
    const clock = new ManualClock();
    assert.throws(() => new RollingCounter({ windowMs: 0, buckets: 10 }, clock), RangeError);
    assert.throws(() => new RollingCounter({ windowMs: 1000, buckets: 0 }, clock), RangeError);
    assert.throws(() => new RollingCounter({ windowMs: 1000, buckets: 1.5 }, clock), RangeError);
  });

  it('equals a naive reference model over random records and clock moves', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('record' as const), failure: fc.boolean() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 700 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.array(op, { maxLength: 200, size: 'max' }),
        (windowMs, buckets, start, ops) => {
          const clock = new ManualClock(start);
          const c = new RollingCounter({ windowMs, buckets }, clock);
          const bucketMs = windowMs / buckets;
          const model: Array<{ epoch: number; failure: boolean }> = [];
          for (const o of ops) {
            if (o.kind === 'record') {
              c.record(o.failure);
              model.push({ epoch: Math.floor(clock.now() / bucketMs), failure: o.failure });
            } else {
              clock.advance(o.ms);
            }
            const now = Math.floor(clock.now() / bucketMs);
            const live = model.filter((r) => r.epoch > now - buckets);
            assert.deepEqual(c.totals(), {
              total: live.length,
              failures: live.filter((r) => r.failure).length,
            });
            // Sound right after a record (what the breaker relies on): never false with a failure in the window.
            if (o.kind === 'record' && live.some((r) => r.failure)) assert.equal(c.mayHaveFailures(), true);
          }
        },
      ),
    );
  });
});
