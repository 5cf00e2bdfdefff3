import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and allows one burst', () => {
    const t = new TokenBucket({ ratePerSec: 10, burst: 3 }, new ManualClock());
    assert.equal(t.tokens, 3);
    assert.ok(t.tryTake());
    assert.ok(t.tryTake());
    assert.ok(t.tryTake());
    assert.equal(t.tryTake(), false);
  });

  it('refills at ratePerSec, capped at burst', () => {
    const clock = new ManualClock();
    const t = new TokenBucket({ ratePerSec: 10, burst: 5 }, clock);
    assert.ok(t.tryTake(5));
    clock.advance(100);
    assert.equal(t.tokens, 1);
    assert.ok(t.tryTake());
    assert.equal(t.tryTake(), false);
    clock.advance(60_000);
    assert.equal(t.tokens, 5);
  });

  it('takes n at once or nothing', () => {
    const t = new TokenBucket({ ratePerSec: 1, burst: 4 }, new ManualClock());
    assert.equal(t.tryTake(5), false);
    assert.equal(t.tokens, 4);
    assert.ok(t.tryTake(4));
  });

  it('refills nothing when the clock steps back', () => {
    const clock = new ManualClock(1000);
    const t = new TokenBucket({ ratePerSec: 1000, burst: 10 }, clock);
    t.tryTake(10);
    clock.set(0);
    assert.equal(t.tokens, 0);
    clock.set(5);
    assert.equal(t.tokens, 5);
  });

  it('rejects bad options', () => {
    assert.throws(() => new TokenBucket({ ratePerSec: -1, burst: 1 }, new ManualClock()), RangeError);
    assert.throws(() => new TokenBucket({ ratePerSec: 1, burst: 0 }, new ManualClock()), RangeError);
  });

  it('never grants more than burst + rate * elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 5 })), {
          maxLength: 200,
          size: 'max',
        }),
        (rate, burst, steps) => {
          const clock = new ManualClock();
          const t = new TokenBucket({ ratePerSec: rate, burst }, clock);
          let granted = 0;
          for (const [dt, n] of steps) {
            clock.advance(dt);
            if (t.tryTake(n)) granted += n;
            assert.ok(t.tokens >= 0 && t.tokens <= burst);
            assert.ok(granted <= burst + (rate * clock.now()) / 1000 + 1e-9);
          }
        },
      ),
    );
  });
});
