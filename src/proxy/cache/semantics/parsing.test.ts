/**
 * The parsing corners of the cache rules, case by case: HTTP-date and Expires (RFC 9110 §5.6.7,
 * RFC 9111 §5.3), Age (RFC 9111 §5.1), targeted fields (RFC 9213) and immutable (RFC 8246).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { responseDirectives } from './effective.js';
import { parseHttpDate } from './fields.js';
import { ageFieldValue, currentAge, freshnessLifetime, type StoredResponse } from './freshness.js';
import { canServeStaleOnError, decideLookup } from './lookup.js';
import { storeRefusal } from './storable.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const DATE = new Date(T0).toUTCString();
const FUTURE = Date.UTC(2050, 7, 18, 2, 1, 18);

describe('HTTP-date: the three forms, names in any case (RFC 9110 §5.6.7)', () => {
  const valid: Array<[string, number]> = [
    ['Thu, 18 Aug 2050 02:01:18 GMT', FUTURE],
    ['THU, 18 AUG 2050 02:01:18 gMT', FUTURE],
    ['thu, 18 aug 2050 02:01:18 gmt', FUTURE],
    ['Thursday, 18-Aug-50 02:01:18 GMT', FUTURE],
    ['Thu Aug 18 02:01:18 2050', FUTURE],
    ['Mon Aug  8 02:01:18 2050', Date.UTC(2050, 7, 8, 2, 1, 18)],
    ['Tue, 19 Jan 2038 14:14:08 GMT', Date.UTC(2038, 0, 19, 14, 14, 8)],
    ['Sun, 21 Nov 2286 04:46:39 GMT', Date.UTC(2286, 10, 21, 4, 46, 39)],
    ['  Thu, 18 Aug 2050 02:01:18 GMT  ', FUTURE],
    ['Sat, 31 Dec 2050 23:59:60 GMT', Date.UTC(2051, 0, 1)],
  ];
  for (const [s, want] of valid)
    it(`accepts ${JSON.stringify(s)}`, () => assert.equal(parseHttpDate(s, T0), want));

  const invalid: Array<[string, string]> = [
    ['0', 'a number'],
    ['-1', 'a negative number'],
    ['', 'empty'],
    ['Thu 18 Aug 2050 02:01:18 GMT', 'missing comma'],
    ['Thu, 18 Aug 2050 02:01:18 UTC', 'UTC instead of GMT'],
    ['Thu, 18 Aug 2050 02:01:18 AEST', 'another zone'],
    ['Thu, 18 Aug 2050 02:01:18 +0000', 'a numeric zone'],
    ['Thu, 18 Aug 2050 02:01:18', 'no zone'],
    ['Thu, 18-Aug-2050 02:01:18 GMT', 'dashes in an IMF-fixdate'],
    ['Thu, 18 Aug 50 02:01:18 GMT', 'a two-digit year in an IMF-fixdate'],
    ['Thu, 18  Aug  2050 02:01:18 GMT', 'doubled spaces'],
    ['Thu, 18 Aug 2050 02.01.18 GMT', 'periods in the time'],
    ['Thu, 18 Aug 2050 2:01:18 GMT', 'a one-digit hour'],
    ['Thu, 8 Aug 2050 02:01:18 GMT', 'a one-digit day in an IMF-fixdate'],
    ['Thu, 31 Feb 2050 02:01:18 GMT', 'a day the month does not have'],
    ['Thu, 18 Aug 2050 24:01:18 GMT', 'hour 24'],
    ['Thu, 18 Aug 2050 02:60:18 GMT', 'minute 60'],
    ['Thu, 18 Foo 2050 02:01:18 GMT', 'an unknown month'],
    ['Thursday, 18 Aug 2050 02:01:18 GMT', 'a long day name in an IMF-fixdate'],
    ['Thu, 18-Aug-50 02:01:18 GMT', 'a short day name in an RFC 850 date'],
    ['Thu Aug 18 02:01:18 2050 GMT', 'a zone after an asctime date'],
    ['2050-08-18T02:01:18Z', 'ISO 8601'],
    ['Thu, 18 Aug 2050 02:01:18 GMT, Fri, 19 Aug 2050 02:01:18 GMT', 'two dates'],
  ];
  for (const [s, why] of invalid) {
    it(`refuses ${JSON.stringify(s)} (${why})`, () => assert.equal(parseHttpDate(s, T0), undefined));
  }

  it('reads a two-digit RFC 850 year as at most 50 years ahead of now', () => {
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', T0), Date.UTC(1994, 10, 6, 8, 49, 37));
    assert.equal(parseHttpDate('Monday, 06-Nov-76 08:49:37 GMT', T0), Date.UTC(2076, 10, 6, 8, 49, 37));
    assert.equal(parseHttpDate('Saturday, 06-Nov-77 08:49:37 GMT', T0), Date.UTC(1977, 10, 6, 8, 49, 37));
  });
});

describe('Expires: anything but one valid HTTP-date is already expired (RFC 9111 §5.3)', () => {
  const at = (expires: string | string[]): number =>
    freshnessLifetime({ status: 200, headers: { date: DATE, expires }, requestTime: T0, responseTime: T0 });
  it('a valid one in the future gives its distance from Date', () => {
    assert.equal(at(new Date(T0 + 60_000).toUTCString()), 60);
  });
  for (const v of [
    '0',
    'Thu 18 Aug 2050 02:01:18 GMT',
    'Thu, 18 Aug 2050 02:01:18 UTC',
    'Thu, 18-Aug-2050 02:01:18 GMT',
  ]) {
    it(`${JSON.stringify(v)} → 0`, () => assert.equal(at(v), 0));
  }
  it('several lines → 0, even when each is valid', () => {
    const v = new Date(T0 + 60_000).toUTCString();
    assert.equal(at([v, v]), 0);
    assert.equal(at(['Thu, 18 Aug 2050 2:01:18 GMT', 'Thu, 18 Aug 2050 2:01:19 GMT']), 0);
  });
  it('an invalid Expires still makes a response storable (it has explicit freshness: none)', () => {
    const res = { status: 200, headers: { expires: '0' } };
    assert.equal(storeRefusal({ method: 'GET', headers: {} }, res), null);
  });
});

describe('Age: the first member of the first line, or ignored when invalid (RFC 9111 §5.1)', () => {
  const table: Array<[string | undefined, number]> = [
    [undefined, 0],
    ['7200', 7200],
    [' 7200 ', 7200],
    ['abc', 0],
    ['-7200', 0],
    ['7200.0', 0],
    ['7200;foo=bar', 0],
    ['7200, 0', 7200],
    ['0, 7200', 0],
    ['0, 0', 0],
    ['2147483647', 2147483647],
    ['2147483648', 2147483648],
    ['99999999999', 2147483648],
    ['', 0],
  ];
  for (const [line, want] of table)
    it(`${JSON.stringify(line)} → ${want}`, () => assert.equal(ageFieldValue(line), want));

  it('of several lines the first counts', () => {
    const res = (age: string[]): StoredResponse => ({
      status: 200,
      headers: { date: DATE, 'cache-control': 'max-age=3600', age },
      requestTime: T0,
      responseTime: T0,
    });
    assert.equal(currentAge(res(['7200', '0']), T0), 7200);
    assert.equal(currentAge(res(['0', '7200']), T0), 0);
  });
});

describe('targeted fields (RFC 9213)', () => {
  const KEEL = ['keel-cache-control', 'cdn-cache-control'];
  it('the first present and valid one wins over Cache-Control, in the order given', () => {
    const h = {
      'cache-control': 'max-age=1',
      'cdn-cache-control': 'max-age=30',
      'keel-cache-control': 'max-age=20',
    };
    assert.equal(responseDirectives(h, KEEL).maxAge, 20);
    assert.equal(responseDirectives(h).maxAge, 30, 'CDN-Cache-Control only by default');
    assert.equal(responseDirectives(h, []).maxAge, 1, 'no targeted field: Cache-Control');
  });
  it('an invalid or empty one is ignored and the next one is read', () => {
    for (const bad of ['max-age =100', 'max-age= 100', 'max-age=10000, &&&&&', 'MaX-aGe=3600', '']) {
      const h = {
        'cache-control': 'max-age=1',
        'keel-cache-control': bad,
        'cdn-cache-control': 'max-age=30',
      };
      assert.equal(responseDirectives(h, KEEL).maxAge, 30, bad);
    }
  });
  it('a delta-seconds given as a String is invalid: stale at once (RFC 8941 types)', () => {
    const d = responseDirectives({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age="10000"' });
    assert.equal(d.maxAge, -1);
    assert.equal(d.noStore, false);
  });
  it('governs storing and freshness: Expires and Cache-Control no longer count', () => {
    const res = {
      status: 200,
      headers: { 'cache-control': 'no-store', 'keel-cache-control': 'max-age=600', expires: '0', date: DATE },
      requestTime: T0,
      responseTime: T0,
    };
    const cc = responseDirectives(res.headers, KEEL);
    assert.equal(storeRefusal({ method: 'GET', headers: {} }, res, cc), null);
    assert.equal(freshnessLifetime(res, { targeted: KEEL }), 600);
    const priv = { ...res, headers: { ...res.headers, 'keel-cache-control': 'private' } };
    assert.equal(
      storeRefusal({ method: 'GET', headers: {} }, priv, responseDirectives(priv.headers, KEEL)),
      'private',
    );
  });
  it('a huge max-age is capped at 2^31 s', () => {
    assert.equal(responseDirectives({ 'cdn-cache-control': 'max-age=99999999999' }).maxAge, 2147483648);
  });
});

describe('immutable (RFC 8246) and stale answers the response forbids (RFC 9111 §4.2.4)', () => {
  const stored = (cc: string): StoredResponse => ({
    status: 200,
    headers: { 'cache-control': cc, date: DATE },
    requestTime: T0,
    responseTime: T0,
  });
  const req = (cc: string) => ({ method: 'GET', headers: { 'cache-control': cc } });
  it('fresh and immutable: answered without revalidation even for max-age=0 or min-fresh', () => {
    assert.equal(decideLookup(req('max-age=0'), stored('max-age=600, immutable'), T0 + 10_000).kind, 'fresh');
    assert.equal(
      decideLookup(req('min-fresh=9999'), stored('max-age=600, immutable'), T0 + 10_000).kind,
      'fresh',
    );
    assert.equal(decideLookup(req('max-age=0'), stored('max-age=600'), T0 + 10_000).kind, 'revalidate');
  });
  it('a forced reload (no-cache) still revalidates, and a stale immutable response is stale', () => {
    assert.equal(
      decideLookup(req('no-cache'), stored('max-age=600, immutable'), T0 + 10_000).kind,
      'revalidate',
    );
    assert.equal(
      decideLookup(req('max-age=0'), stored('max-age=600, immutable'), T0 + 700_000).kind,
      'revalidate',
    );
  });
  for (const cc of ['must-revalidate', 'proxy-revalidate', 's-maxage=60', 'no-cache']) {
    it(`${cc}: never stale, not for max-stale, stale-while-revalidate nor stale-if-error`, () => {
      const s = stored(`max-age=60, ${cc}, stale-while-revalidate=600, stale-if-error=600`);
      assert.equal(decideLookup(req('max-stale=600'), s, T0 + 90_000).kind, 'revalidate');
      assert.equal(decideLookup({ method: 'GET', headers: {} }, s, T0 + 90_000).kind, 'revalidate');
      assert.equal(canServeStaleOnError(req('stale-if-error=600'), s, T0 + 90_000), false);
    });
  }
});
