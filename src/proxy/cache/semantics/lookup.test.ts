import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StoredResponse } from './freshness.js';
import { canServeStaleOnError, decideLookup, decideMiss, isErrorStatus } from './lookup.js';

const T0 = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');
const stored = (cc: string): StoredResponse => ({
  status: 200,
  headers: { 'cache-control': cc, date: new Date(T0).toUTCString() },
  requestTime: T0,
  responseTime: T0,
});
const req = (cc?: string) => ({ method: 'GET', headers: cc === undefined ? {} : { 'cache-control': cc } });

describe('lookup decisions (RFC 9111 §4, RFC 5861)', () => {
  // [response directives, request directives, seconds after storing, expected decision]
  const table: [string, string | undefined, number, string][] = [
    ['max-age=60', undefined, 10, 'fresh'],
    ['max-age=60', undefined, 60, 'revalidate'],
    ['max-age=60', 'no-cache', 10, 'revalidate'], // §5.2.1.4
    ['no-cache, max-age=60', undefined, 10, 'revalidate'], // §5.2.2.4
    ['max-age=60', 'max-age=5', 10, 'revalidate'], // §5.2.1.1
    ['max-age=60', 'max-age=20', 10, 'fresh'],
    ['max-age=60', 'min-fresh=55', 10, 'revalidate'], // §5.2.1.3: 50 s left < 55
    ['max-age=60', 'min-fresh=30', 10, 'fresh'],
    ['max-age=60', 'max-stale=30', 80, 'stale'], // §5.2.1.2
    ['max-age=60', 'max-stale', 9999, 'stale'],
    ['max-age=60', 'max-stale=10', 80, 'revalidate'],
    ['max-age=60, must-revalidate', 'max-stale', 80, 'revalidate'], // §5.2.2.2
    ['max-age=60, proxy-revalidate', 'max-stale', 80, 'revalidate'], // §5.2.2.8
    ['s-maxage=60', 'max-stale', 80, 'revalidate'], // §5.2.2.10
    ['max-age=60, stale-while-revalidate=30', undefined, 80, 'stale-while-revalidate'], // RFC 5861 §3
    ['max-age=60, stale-while-revalidate=30', undefined, 95, 'revalidate'],
    ['max-age=60, stale-while-revalidate=30, must-revalidate', undefined, 80, 'revalidate'],
    ['max-age=60', 'only-if-cached', 10, 'fresh'],
    ['max-age=60', 'only-if-cached', 80, 'only-if-cached-miss'], // §5.2.1.7
    ['max-age=60', 'only-if-cached, max-stale', 80, 'stale'],
  ];
  for (const [rcc, qcc, after, want] of table) {
    it(`${rcc} | ${qcc ?? '-'} | +${after}s → ${want}`, () => {
      assert.equal(decideLookup(req(qcc), stored(rcc), T0 + after * 1000).kind, want);
    });
  }
  it('reports age and remaining ttl', () => {
    const d = decideLookup(req(), stored('max-age=60'), T0 + 15_000);
    assert.equal(d.age, 15);
    assert.equal(d.ttl, 45);
  });
  it('a miss with only-if-cached is a 504 (§5.2.1.7)', () => {
    assert.equal(decideMiss(req('only-if-cached')), 'only-if-cached-miss');
    assert.equal(decideMiss(req()), 'forward');
  });
});

describe('stale-if-error (RFC 5861 §4)', () => {
  const table: [string, string | undefined, number, boolean][] = [
    ['max-age=60, stale-if-error=300', undefined, 200, true],
    ['max-age=60, stale-if-error=300', undefined, 400, false],
    ['max-age=60', 'stale-if-error=300', 200, true], // the request directive
    ['max-age=60', undefined, 200, false],
    ['max-age=60', undefined, 10, true], // still fresh
    ['max-age=60, stale-if-error=300, must-revalidate', undefined, 200, false], // §4.2.4
    ['s-maxage=60, stale-if-error=300', undefined, 200, false],
  ];
  for (const [rcc, qcc, after, want] of table) {
    it(`${rcc} | ${qcc ?? '-'} | +${after}s → ${want}`, () => {
      assert.equal(canServeStaleOnError(req(qcc), stored(rcc), T0 + after * 1000), want);
    });
  }
  it('counts 500, 502, 503 and 504 as errors', () => {
    assert.deepEqual([500, 502, 503, 504, 501, 404].map(isErrorStatus), [
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('lookup properties', () => {
  it('never answers from the cache without validation when stale answers are forbidden', () => {
    const extra = fc.constantFrom('max-age=60', 'stale-while-revalidate=99', 'stale-if-error=99', 'public');
    const forbid = fc.constantFrom('no-cache', 'must-revalidate', 'proxy-revalidate', 's-maxage=60');
    fc.assert(
      fc.property(fc.array(extra), forbid, fc.integer({ min: 61, max: 10_000 }), (rest, f, after) => {
        const kind = decideLookup(req('max-stale'), stored([...rest, f].join(', ')), T0 + after * 1000).kind;
        assert.ok(kind === 'revalidate', kind);
      }),
    );
  });
});
