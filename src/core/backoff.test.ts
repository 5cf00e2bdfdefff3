import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fullJitterBackoff, parseRetryAfter } from './backoff.js';
import { scriptedRandom, seededRandom } from './random.js';

describe('fullJitterBackoff', () => {
  it('scales the random draw by min(max, base * 2^(retry-1))', () => {
    const r = scriptedRandom([0.5]);
    assert.equal(fullJitterBackoff(1, 25, 250, r), 12.5); // cap 25
    assert.equal(fullJitterBackoff(2, 25, 250, r), 25); // cap 50
    assert.equal(fullJitterBackoff(3, 25, 250, r), 50); // cap 100
    assert.equal(fullJitterBackoff(4, 25, 250, r), 100); // cap 200
    assert.equal(fullJitterBackoff(5, 25, 250, r), 125); // cap 250 (400 capped)
  });

  it('spans the whole interval: a draw of 0 waits 0, a draw near 1 waits near the cap', () => {
    assert.equal(fullJitterBackoff(3, 10, 1000, scriptedRandom([0])), 0);
    assert.ok(fullJitterBackoff(3, 10, 1000, scriptedRandom([0.999999])) < 40);
  });

  it('treats retry < 1 as the first retry and survives huge retry counts', () => {
    assert.equal(fullJitterBackoff(0, 100, 1000, scriptedRandom([0.5])), 50);
    assert.equal(fullJitterBackoff(5000, 100, 1000, scriptedRandom([0.5])), 500);
  });

  it('always lies in [0, min(max, base * 2^(retry-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer(),
        (retry, baseMs, extra, seed) => {
          const maxMs = baseMs + extra;
          const d = fullJitterBackoff(retry, baseMs, maxMs, seededRandom(seed));
          assert.ok(d >= 0 && d < Math.min(maxMs, baseMs * 2 ** (retry - 1)), `${d}`);
        },
      ),
    );
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

  it('reads delay-seconds as ms', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter(' 5 ', now), 5000);
  });

  it('reads an IMF-fixdate as the ms until that time', () => {
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 37_000);
  });

  it('accepts the obsolete rfc850 and asctime forms', () => {
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 37_000);
    assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 37_000);
  });

  it('reads a date in the past as 0', () => {
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:00:00 GMT', now), 0);
  });

  it('returns undefined when absent or invalid', () => {
    for (const v of [
      undefined,
      '',
      '  ',
      '-1',
      '1.5',
      '+3',
      '0x10',
      'soon',
      '2024-01-01',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 31 Feb 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 6 Nov 1994 08:49:37 GMT',
    ]) {
      assert.equal(parseRetryAfter(v, now), undefined, String(v));
    }
  });

  it('round-trips any date that Date#toUTCString formats (IMF-fixdate)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800 }),
        fc.integer({ min: 0, max: 4_102_444_800 }),
        (at, from) => {
          const atMs = at * 1000;
          const fromMs = from * 1000;
          assert.equal(parseRetryAfter(new Date(atMs).toUTCString(), fromMs), Math.max(0, atMs - fromMs));
        },
      ),
    );
  });
});
