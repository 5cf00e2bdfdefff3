import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCacheControl } from './browser.js';
import { HAS_AUTHORIZATION, HAS_CACHE_CONTROL, HAS_CONDITIONAL, requestHints } from './job.js';
import { baseKeyOfUrl, primaryKey, variantKey } from './keys.js';
import { Prepared } from './prepared.js';
import { parsePurge } from './purge.js';

test('keys: scheme-free, host lower-cased, key headers and variants after a line feed', () => {
  const rules = { query: 'full', headers: [] } as const;
  assert.equal(primaryKey('Shop.Example', '/a?x=1', rules, {}), 'GET shop.example/a?x=1');
  assert.equal(baseKeyOfUrl('https://shop.example/a?x=1'), 'GET shop.example/a?x=1');
  assert.equal(baseKeyOfUrl('shop.example/a'), 'GET shop.example/a');
  assert.equal(baseKeyOfUrl('http://[bad'), undefined);
  const withHeader = primaryKey('h', '/', { query: 'full', headers: ['x-tenant'] }, { 'x-tenant': ' A ' });
  assert.equal(withHeader, 'GET h/\nh:x-tenant=A');
  assert.ok(variantKey('GET h/', 'k').startsWith('GET h/\n'));
});

test('purge bodies: exactly one of url and prefix, each a URL with a host', () => {
  assert.deepEqual(parsePurge({ url: 'http://a/x' }), { url: 'http://a/x' });
  assert.deepEqual(parsePurge({ prefix: 'a/img/' }), { prefix: 'a/img/' });
  assert.match(String(parsePurge({ url: 'a', prefix: 'b' })), /exactly one/);
  assert.match(String(parsePurge([])), /JSON object/);
  assert.match(String(parsePurge({ url: '' })), /non-empty/);
  assert.match(String(parsePurge({ url: 'http://[bad' })), /not a URL/);
});

test('browser policy: added where missing, replacing only with override', () => {
  const raw = (pairs: string[]) => pairs.map((p) => Buffer.from(p));
  const text = (b: Buffer[]) => b.map((x) => x.toString());
  const v = Buffer.from('max-age=5');
  assert.deepEqual(text(withCacheControl(raw(['a', '1']), v, false)), [
    'a',
    '1',
    'cache-control',
    'max-age=5',
  ]);
  assert.deepEqual(text(withCacheControl(raw(['Cache-Control', 'no-store']), v, false)), [
    'Cache-Control',
    'no-store',
  ]);
  assert.deepEqual(text(withCacheControl(raw(['Cache-Control', 'no-store', 'b', '2']), v, true)), [
    'b',
    '2',
    'cache-control',
    'max-age=5',
  ]);
});

test('request hints: only the fields the cache reads, in any case', () => {
  assert.equal(requestHints(['Host', 'a', 'Accept', '*/*']), 0);
  assert.equal(requestHints(['Cache-Control', 'no-cache']), HAS_CACHE_CONTROL);
  assert.equal(
    requestHints(['AUTHORIZATION', 'x', 'If-Modified-Since', 'd']),
    HAS_AUTHORIZATION | HAS_CONDITIONAL,
  );
  assert.equal(requestHints(['if-none-match', '"a"']), HAS_CONDITIONAL);
});

test('Prepared.hitFields: Age and Cache-Status of a plain hit, rebuilt only when a whole second passes', () => {
  const t0 = Date.UTC(2026, 10, 27, 12, 0, 0);
  const p = new Prepared(
    {
      status: 200,
      headers: [
        ['Cache-Control', 'max-age=60'],
        ['Cache-Status', 'inner; hit'],
      ],
      body: Buffer.from('x'),
      storedAt: t0,
      requestTime: t0,
      responseTime: t0,
    },
    { freshness: { heuristicFraction: 0 }, via: '1.1 keel', browser: null, strip: [] },
  );
  const at = (ms: number) => {
    const h = p.hitFields(t0 + ms);
    const get = (n: string) => h[h.indexOf(n) + 1];
    return { h, age: get('age'), status: get('cache-status') };
  };
  const a = at(1_200);
  assert.equal(a.age, '1');
  assert.equal(a.status, 'inner; hit, keel; hit; ttl=58');
  assert.equal(at(1_900).h, a.h, 'the same second reuses the same list');
  const b = at(2_100);
  assert.notEqual(b.h, a.h);
  assert.equal(b.age, '2');
  assert.equal(b.status, 'inner; hit, keel; hit; ttl=57');
  assert.deepEqual(b.h.slice(0, p.out.length), p.out, 'the stored fields come first, unchanged');
});
