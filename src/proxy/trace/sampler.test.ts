import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../../core/random.js';
import { RatioSampler, randomness } from './sampler.js';

const traceId = fc.stringMatching(/^[0-9a-f]{32}$/);

describe('RatioSampler (TraceIdRatioBased on the trace id)', () => {
  it('reads the lowest 56 bits of the trace id', () => {
    assert.equal(randomness('ffffffffffffffffff00000000000000'), 0);
    assert.equal(randomness('00000000000000000000000000000001'), 1);
    assert.equal(randomness('000000000000000000ffffffffffffff'), 2 ** 56 - 1);
  });

  it('samples everything at 1 and nothing at 0', () => {
    fc.assert(
      fc.property(traceId, (t) => {
        assert.equal(new RatioSampler(1).sampled(t), true);
        assert.equal(new RatioSampler(0).sampled(t), false);
      }),
    );
  });

  it('is deterministic and monotonic in the ratio: sampled at r means sampled at any r2 >= r', () => {
    fc.assert(
      fc.property(
        traceId,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (t, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          assert.equal(new RatioSampler(lo).sampled(t), new RatioSampler(lo).sampled(t));
          if (new RatioSampler(lo).sampled(t)) assert.ok(new RatioSampler(hi).sampled(t));
        },
      ),
    );
  });

  it('samples about the ratio of random trace ids', () => {
    const s = new RatioSampler(0.25);
    const rnd = seededRandom(42);
    const hexDigit = () => Math.floor(rnd.next() * 16).toString(16);
    let hits = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (s.sampled(Array.from({ length: 32 }, hexDigit).join(''))) hits++;
    // 6 standard deviations: deterministic with this seed anyway.
    assert.ok(Math.abs(hits / n - 0.25) < 0.02, `sampled ${hits} of ${n}`);
  });

  it('refuses a ratio outside [0, 1]', () => {
    assert.throws(() => new RatioSampler(1.5), RangeError);
    assert.throws(() => new RatioSampler(Number.NaN), RangeError);
  });
});
