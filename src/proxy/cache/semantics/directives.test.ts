import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCacheControl } from './directives.js';
import { responseDirectives, stripCdnCacheControl, stripCdnCacheControlRaw } from './effective.js';
import { isValidSfDictionary } from './sf-dictionary.js';

describe('Cache-Control parsing (RFC 9111 §5.2)', () => {
  it('reads flags and numbers, case-insensitively', () => {
    const cc = parseCacheControl('Public, MAX-AGE=60, s-maxage=30, Must-Revalidate');
    assert.equal(cc.public, true);
    assert.equal(cc.maxAge, 60);
    assert.equal(cc.sMaxAge, 30);
    assert.equal(cc.mustRevalidate, true);
    assert.equal(cc.noStore, false);
  });
  const table: [string, Partial<Record<string, unknown>>][] = [
    ['max-age="60"', { maxAge: 60 }], // §5.2: recipients accept the quoted form
    ['max-age=60, max-age=10', { maxAge: 60 }], // §4.2.1: first occurrence wins
    ['max-age=abc', { maxAge: -1 }], // invalid → treated as stale
    ['max-age', { maxAge: -1 }],
    ['max-stale', { maxStale: Number.POSITIVE_INFINITY }], // §5.2.1.2
    ['max-stale=5', { maxStale: 5 }],
    ['min-fresh=3, only-if-cached', { minFresh: 3, onlyIfCached: true }],
    ['no-cache="Set-Cookie, X-A", max-age=5', { noCache: true, maxAge: 5 }], // comma inside quotes
    ['private="x", public', { private: true, public: true }],
    ['stale-while-revalidate=30, stale-if-error=600', { staleWhileRevalidate: 30, staleIfError: 600 }],
    ['max-age=99999999999', { maxAge: 2147483648 }], // §1.2.2 cap
    [' ,, no-store ,', { noStore: true }],
    ['foo="a\\"b", max-age=1', { maxAge: 1 }], // escaped quote inside an extension
    ['must-understand, no-store', { mustUnderstand: true, noStore: true }],
  ];
  for (const [input, want] of table) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const cc = parseCacheControl(input) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.equal(cc[k], v, k);
    });
  }
  it('never throws on any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        parseCacheControl(s);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('max-age', '=', '"', ',', '\\', ' ', '5', 'no-store', 'x')),
        (parts) => {
          parseCacheControl(parts.join(''));
        },
      ),
    );
  });
});

describe('CDN-Cache-Control (RFC 9213)', () => {
  it('takes precedence over Cache-Control for Keel', () => {
    const d = responseDirectives({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
    assert.equal(d.noStore, false);
    assert.equal(d.maxAge, 600);
  });
  it('falls back to Cache-Control when the targeted field has no valid directive', () => {
    const d = responseDirectives({ 'cache-control': 'max-age=5', 'cdn-cache-control': '' });
    assert.equal(d.maxAge, 5);
  });
  it('ignores Expires when it applies (§2.1)', () => {
    const d = responseDirectives({ 'cdn-cache-control': 'public', expires: 'Sun, 06 Nov 1994 08:49:37 GMT' });
    assert.equal(d.targeted, true);
    assert.equal(responseDirectives({ 'cache-control': 'public' }).targeted, false);
  });
  it('is a Structured Field: the last duplicate wins, and an invalid one is ignored (RFC 8941)', () => {
    assert.equal(responseDirectives({ 'cdn-cache-control': 'max-age=5, max-age=9' }).maxAge, 9);
    for (const bad of ['Max-Age=5', 'max-age=5,', 'max-age=(1 2)', 'no-cache="a', '  ']) {
      assert.equal(
        responseDirectives({ 'cache-control': 'max-age=1', 'cdn-cache-control': bad }).maxAge,
        1,
        bad,
      );
    }
    const ok = 'no-cache="set-cookie", stale-if-error=60;x=?1, private, max-age=-1';
    assert.equal(isValidSfDictionary(ok), true);
  });
  it('the validator never throws and stays fast on any string (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '=', '"', ',', ';', ' ', '5', '?1', 'x-y', '\\', ':')),
        (parts) => {
          isValidSfDictionary(parts.join(''));
          responseDirectives({ 'cdn-cache-control': parts.join('') });
        },
      ),
    );
  });
  it('is stripped before forwarding downstream', () => {
    const h = { 'cdn-cache-control': 'max-age=1', 'cache-control': 'max-age=2', etag: '"a"' };
    assert.deepEqual(stripCdnCacheControl(h), { 'cache-control': 'max-age=2', etag: '"a"' });
    assert.deepEqual(stripCdnCacheControlRaw(['CDN-Cache-Control', 'x', 'ETag', '"a"']), ['ETag', '"a"']);
  });
});
