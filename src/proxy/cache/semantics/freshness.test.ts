import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseHttpDate } from './fields.js';
import { ageHeaderValue, currentAge, freshnessLifetime, isFresh, type StoredResponse } from './freshness.js';

const T0 = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');
const date = (ms: number): string => new Date(ms).toUTCString();
function stored(headers: Record<string, string>, at = T0, delayMs = 0): StoredResponse {
  return { status: 200, headers, requestTime: at - delayMs, responseTime: at };
}

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  it('accepts the three forms of the RFC example', () => {
    assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), T0);
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), T0);
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), T0);
    assert.equal(parseHttpDate('0'), undefined);
  });
  it('never throws on any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const t = parseHttpDate(s);
        assert.ok(t === undefined || Number.isFinite(t));
      }),
    );
  });
});

describe('freshness lifetime (RFC 9111 §4.2.1)', () => {
  const table: [string, Record<string, string>, number][] = [
    ['s-maxage wins over max-age', { 'cache-control': 'max-age=10, s-maxage=20' }, 20],
    [
      'max-age wins over Expires',
      { 'cache-control': 'max-age=10', expires: date(T0 + 99_000), date: date(T0) },
      10,
    ],
    ['Expires − Date', { expires: date(T0 + 30_000), date: date(T0) }, 30],
    ['invalid Expires is in the past (§5.3)', { expires: '0', date: date(T0) }, 0],
    ['Expires before Date', { expires: date(T0 - 5000), date: date(T0) }, 0],
    ['invalid max-age is stale', { 'cache-control': 'max-age=x' }, 0],
    [
      'CDN-Cache-Control hides Expires (RFC 9213 §2.1)',
      { 'cdn-cache-control': 'public', expires: date(T0 + 30_000), date: date(T0) },
      0,
    ],
    ['no heuristic unless enabled', { 'last-modified': date(T0 - 1_000_000), date: date(T0) }, 0],
  ];
  for (const [name, headers, want] of table) {
    it(name, () => assert.equal(freshnessLifetime(stored(headers)), want));
  }
  it('heuristic: 10% of the Last-Modified age, capped (§4.2.2)', () => {
    const res = stored({ 'last-modified': date(T0 - 1_000_000), date: date(T0) });
    assert.equal(freshnessLifetime(res, { heuristicFraction: 0.1 }), 100);
    assert.equal(freshnessLifetime(res, { heuristicFraction: 0.1, heuristicMaxSeconds: 60 }), 60);
    const notHeuristic = { ...res, status: 302 };
    assert.equal(freshnessLifetime(notHeuristic, { heuristicFraction: 0.1 }), 0);
  });
});

describe('current age (RFC 9111 §4.2.3)', () => {
  it('adds resident time to the corrected initial age', () => {
    // Age: 10 from upstream, 2 s response delay, then 5 s in the cache.
    const res = stored({ age: '10', date: date(T0) }, T0, 2000);
    assert.equal(currentAge(res, T0 + 5000), 17);
  });
  it('uses the apparent age when the Date lags (clock skew)', () => {
    const res = stored({ date: date(T0 - 30_000) });
    assert.equal(currentAge(res, T0), 30);
  });
  it('ignores an invalid Age', () => {
    assert.equal(currentAge(stored({ age: 'x', date: date(T0) }), T0 + 1000), 1);
  });
  it('formats the Age field (§5.1)', () => {
    assert.equal(ageHeaderValue(17.9), '17');
    assert.equal(ageHeaderValue(-3), '0');
    assert.equal(ageHeaderValue(1e12), '2147483648');
  });
  it('is fresh until the lifetime passes', () => {
    const res = stored({ 'cache-control': 'max-age=10', date: date(T0) });
    assert.equal(isFresh(res, T0 + 9999), true);
    assert.equal(isFresh(res, T0 + 10_000), false);
  });
  it('freshness is monotonic in time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (maxAge, age, a, b) => {
          const res = stored({ 'cache-control': `max-age=${maxAge}`, age: String(age), date: date(T0) });
          const [early, late] = a <= b ? [a, b] : [b, a];
          assert.ok(currentAge(res, T0 + early) <= currentAge(res, T0 + late));
          if (!isFresh(res, T0 + early)) assert.equal(isFresh(res, T0 + late), false);
        },
      ),
    );
  });
});
