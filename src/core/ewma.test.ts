import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from './clock.js';
import { Ewma } from './ewma.js';

describe('Ewma', () => {
  const make = (halfLifeMs = 1000) => {
    const clock = new ManualClock(0);
    return { clock, e: new Ewma({ halfLifeMs }, clock) };
  };

  it('is 0 with no sample', () => {
    const { e } = make();
    assert.equal(e.value, 0);
    assert.equal(e.count, 0);
  });

  it('takes the first sample as its value', () => {
    const { clock, e } = make();
    clock.advance(12345);
    e.update(80);
    assert.equal(e.value, 80);
    assert.equal(e.count, 1);
  });

  it('gives the old value weight 2^(-dt/halfLife)', () => {
    const { clock, e } = make(1000);
    e.update(100);
    clock.advance(1000); // one half-life: old weight 0.5
    e.update(200);
    assert.equal(e.value, 150);
    clock.advance(2000); // two half-lives: old weight 0.25
    e.update(0);
    assert.equal(e.value, 37.5);
  });

  it('lets a sample after a long silence dominate', () => {
    const { clock, e } = make(100);
    e.update(5);
    clock.advance(100 * 60);
    e.update(2000);
    assert.ok(Math.abs(e.value - 2000) < 1e-6);
  });

  it('averages samples that share one clock reading instead of dropping them', () => {
    const { clock, e } = make(1000);
    e.update(100);
    e.update(300);
    assert.equal(e.value, 200);
    clock.advance(1000);
    e.update(0); // 0.5 * 200 + 0.5 * 0
    assert.equal(e.value, 100);
    e.update(200); // same instant: 0.5 * 200 + 0.5 * mean(0, 200)
    assert.equal(e.value, 150);
    assert.equal(e.count, 4);
  });

  it('treats a clock that steps back as the same instant', () => {
    const { clock, e } = make(1000);
    clock.set(5000);
    e.update(10);
    clock.set(4000);
    e.update(30);
    assert.equal(e.value, 20);
  });

  it('ignores non-finite samples', () => {
    const { e } = make();
    e.update(Number.NaN);
    e.update(Number.POSITIVE_INFINITY);
    assert.equal(e.count, 0);
    e.update(7);
    e.update(Number.NaN);
    assert.equal(e.value, 7);
  });

  it('reset() forgets history; the next sample sets the value', () => {
    const { clock, e } = make();
    e.update(100);
    e.reset();
    assert.equal(e.value, 0);
    assert.equal(e.count, 0);
    clock.advance(1);
    e.update(3);
    assert.equal(e.value, 3);
  });

  it('rejects a non-positive half-life', () => {
    assert.throws(() => new Ewma({ halfLifeMs: 0 }, new ManualClock()), RangeError);
  });

  it('stays within the range of subnormal samples (0.5·x + 0.5·x must not round below x)', () => {
    const { clock, e } = make(9);
    e.update(4.4e-323);
    clock.advance(9);
    e.update(4.4e-323);
    assert.equal(e.value, 4.4e-323);
    e.update(0);
    assert.ok(e.value >= 0 && e.value <= 4.4e-323, String(e.value));
  });

  it('always stays within the range of the samples seen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1e6, noNaN: true })), {
          minLength: 1,
          size: 'max',
          maxLength: 100,
        }),
        (halfLife, samples) => {
          const { clock, e } = make(halfLife);
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          for (const [dt, x] of samples) {
            clock.advance(dt);
            e.update(x);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            assert.ok(e.value >= lo && e.value <= hi, `${e.value} not in [${lo}, ${hi}]`);
          }
          assert.equal(e.count, samples.length);
        },
      ),
    );
  });
});
