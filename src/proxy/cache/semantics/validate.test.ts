import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { appendCacheStatus, cacheStatusValue } from './cache-status.js';
import { invalidationTargets } from './invalidate.js';
import {
  clientConditionalMatches,
  notModifiedApplies,
  revalidationHeaders,
  updateStoredHeaders,
} from './validate.js';

const LM = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('revalidation (RFC 9111 §4.3)', () => {
  it('builds If-None-Match and If-Modified-Since from the stored validators', () => {
    assert.deepEqual(revalidationHeaders({ etag: 'W/"xyzzy"', 'last-modified': LM }), [
      ['if-none-match', 'W/"xyzzy"'],
      ['if-modified-since', LM],
    ]);
    assert.deepEqual(revalidationHeaders({}), []);
  });
  it('selects the stored response by validator (§4.3.4)', () => {
    assert.equal(notModifiedApplies({ etag: '"a"' }, { etag: 'W/"a"' }), true);
    assert.equal(notModifiedApplies({ etag: '"a"' }, { etag: '"b"' }), false);
    assert.equal(notModifiedApplies({ 'last-modified': LM }, { 'last-modified': LM }), true);
    assert.equal(notModifiedApplies({}, {}), true);
  });
  it('updates stored headers from a 304, keeping Content-Length and framing (§3.2)', () => {
    const stored = {
      'content-length': '1234',
      'content-type': 'text/html',
      'cache-control': 'max-age=10',
      etag: '"a"',
      'x-old': '1',
      age: '500',
    };
    const res304 = {
      'content-length': '0',
      'cache-control': 'max-age=60',
      date: LM,
      connection: 'x-hop',
      'x-hop': 'drop',
      'transfer-encoding': 'chunked',
    };
    assert.deepEqual(updateStoredHeaders(stored, res304), {
      'content-length': '1234',
      'content-type': 'text/html',
      'cache-control': 'max-age=60',
      etag: '"a"',
      'x-old': '1',
      date: LM,
    });
  });
});

describe('invalidation after unsafe methods (RFC 9111 §4.4)', () => {
  const target = 'https://api.example/items?page=1';
  it('invalidates the target, Location and Content-Location of the same origin', () => {
    const got = invalidationTargets('POST', target, {
      status: 201,
      headers: { location: '/items/7#x', 'content-location': 'https://other.example/items/7' },
    });
    assert.deepEqual(got, ['https://api.example/items?page=1', 'https://api.example/items/7']);
  });
  it('does nothing for safe methods or error responses', () => {
    assert.deepEqual(invalidationTargets('GET', target, { status: 200, headers: {} }), []);
    assert.deepEqual(invalidationTargets('DELETE', target, { status: 500, headers: {} }), []);
    assert.deepEqual(
      invalidationTargets('PATCH', target, { status: 302, headers: { location: 'http://[bad' } }),
      ['https://api.example/items?page=1'],
    );
  });
});

describe('Cache-Status (RFC 9211) and Age', () => {
  const table: [Parameters<typeof cacheStatusValue>[0], string][] = [
    [{ hit: true, ttl: 30 }, 'keel; hit; ttl=30'],
    [{ fwd: 'uri-miss', stored: true }, 'keel; fwd=uri-miss; stored'],
    [{ fwd: 'stale', fwdStatus: 304 }, 'keel; fwd=stale; fwd-status=304'],
    [{ hit: true, ttl: -12.7, detail: 'stale-if-error' }, 'keel; hit; ttl=-12; detail=stale-if-error'],
    [{ fwd: 'miss', collapsed: true }, 'keel; fwd=miss; collapsed'],
    [{ fwd: 'bypass', detail: 'no store' }, 'keel; fwd=bypass; detail="no store"'],
    [{ hit: true, key: 'GET a/"b"' }, 'keel; hit; key="GET a/\\"b\\""'],
  ];
  for (const [input, want] of table) it(want, () => assert.equal(cacheStatusValue(input), want));
  it('appends to an upstream Cache-Status', () => {
    assert.equal(appendCacheStatus('OriginCache; hit', 'keel; hit'), 'OriginCache; hit, keel; hit');
    assert.equal(appendCacheStatus(undefined, 'keel; hit'), 'keel; hit');
  });
});

test("a client's own conditionals against a stored 200 (RFC 9110 §13.1.2, §13.1.3, §13.2.2)", () => {
  const stored = { etag: 'W/"a"', 'last-modified': 'Tue, 01 Jan 2026 00:00:00 GMT' };
  assert.equal(clientConditionalMatches({ 'if-none-match': '"x", "a"' }, stored), true, 'weak comparison');
  assert.equal(clientConditionalMatches({ 'if-none-match': '*' }, stored), true);
  assert.equal(clientConditionalMatches({ 'if-none-match': '"b"' }, stored), false);
  assert.equal(
    clientConditionalMatches(
      { 'if-none-match': '"b"', 'if-modified-since': 'Wed, 02 Jan 2026 00:00:00 GMT' },
      stored,
    ),
    false,
    'If-None-Match decides when present',
  );
  assert.equal(
    clientConditionalMatches({ 'if-modified-since': 'Wed, 02 Jan 2026 00:00:00 GMT' }, stored),
    true,
  );
  assert.equal(
    clientConditionalMatches({ 'if-modified-since': 'Mon, 31 Dec 2025 00:00:00 GMT' }, stored),
    false,
  );
  assert.equal(clientConditionalMatches({ 'if-modified-since': 'garbage' }, stored), false);
  assert.equal(clientConditionalMatches({ 'if-none-match': '"a"' }, {}), false, 'nothing to compare with');
});
