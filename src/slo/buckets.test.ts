import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MINUTE_MS, SloBuckets } from './buckets.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

test('buckets agree with a naive list of events for any window (property)', () => {
  const op = fc.record({
    advance: fc.integer({ min: 0, max: 40 * MINUTE_MS }),
    good: fc.boolean(),
    bulk: fc.option(fc.record({ good: fc.nat(50), extra: fc.nat(50) }), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 1, max: 3 * 60 }), (ops, windowMin) => {
      const windowMs = 2 * HOUR;
      const b = new SloBuckets(windowMs, T0);
      const naive: Array<{ minute: number; good: number; total: number }> = [];
      let now = T0;
      for (const o of ops) {
        now += o.advance;
        const minute = Math.floor(now / MINUTE_MS);
        if (o.bulk) {
          b.add(o.bulk.good, o.bulk.good + o.bulk.extra, now);
          naive.push({ minute, good: o.bulk.good, total: o.bulk.good + o.bulk.extra });
        } else {
          b.inc(o.good, now);
          naive.push({ minute, good: o.good ? 1 : 0, total: 1 });
        }
      }
      const cur = Math.floor(now / MINUTE_MS);
      const n = Math.min(windowMin, windowMs / MINUTE_MS + 1);
      const inWindow = naive.filter((e) => e.minute > cur - n);
      const want = {
        good: inWindow.reduce((s, e) => s + e.good, 0),
        total: inWindow.reduce((s, e) => s + e.total, 0),
      };
      assert.deepEqual(b.sum(windowMin * MINUTE_MS, now), want);
      // Export → import into a fresh ring gives the same sums.
      const copy = new SloBuckets(windowMs, now);
      copy.import(b.export(now), now);
      assert.deepEqual(copy.sum(windowMin * MINUTE_MS, now), want);
    }),
    { numRuns: 200 },
  );
});

test('old minutes roll out of the window; counts older than the ring never overwrite newer ones', () => {
  const b = new SloBuckets(HOUR, T0);
  b.inc(false, T0);
  assert.deepEqual(b.sum(HOUR, T0), { good: 0, total: 1 });
  assert.deepEqual(b.sum(HOUR, T0 + 59 * MINUTE_MS), { good: 0, total: 1 });
  assert.deepEqual(b.sum(HOUR, T0 + 60 * MINUTE_MS), { good: 0, total: 0 });
  const later = T0 + 61 * MINUTE_MS;
  b.inc(true, later);
  b.add(5, 5, later - 61 * MINUTE_MS); // same slot, older minute: dropped
  assert.deepEqual(b.sum(HOUR, later), { good: 1, total: 1 });
});

test('throughput minutes: complete, observed minutes judged against the floor', () => {
  const b = new SloBuckets(HOUR, T0);
  for (let m = 0; m < 10; m++)
    for (let i = 0; i < (m % 2 === 0 ? 120 : 30); i++) b.inc(true, T0 + m * MINUTE_MS);
  const now = T0 + 10 * MINUTE_MS + 5;
  // 10 complete minutes since T0, 5 of them with >= 60 requests (1 rps); the current minute waits.
  assert.deepEqual(b.sumMinutes(HOUR, now, 60), { good: 5, total: 10 });
  assert.deepEqual(b.sumMinutes(5 * MINUTE_MS, now, 60), { good: 2, total: 5 });
  const exported = b.export(now);
  assert.equal(exported.since, T0 / MINUTE_MS);
  assert.equal(exported.minutes.length, 10);
});
