import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RouteCacheConfig } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { OPEN } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { CaptureOwner } from './capture.js';
import { EdgeCache } from './edge.js';
import { CacheJob, HAS_CACHE_CONTROL, MISS, REVALIDATE } from './job.js';
import { primaryKey } from './keys.js';
import { Lookup, type LookupOwner } from './lookup.js';
import { PreparedViews } from './prepared.js';
import type { Fields } from './semantics/index.js';
import { Storing } from './storing.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const config: RouteCacheConfig = {
  enabled: true,
  key: { query: 'full', headers: [] },
  max_object_bytes: 1024,
  lock_timeout: 5000,
  stale_while_revalidate: 0,
  stale_if_error: 0,
  heuristic_fraction: 0,
  targeted_fields: ['keel-cache-control', 'cdn-cache-control'],
  strip_targeted: [],
  set_cookie: 'refuse',
};

/** A memory-only edge cache with the storing and lookup parts of one route, and what the lookup reported. */
function rig() {
  const edge = new EdgeCache(
    { memory: { max_bytes: 1 << 20, max_object_bytes: 1 << 16 }, redis: null },
    new ManualClock(T0),
  );
  const views = new PreparedViews({ freshness: {}, via: '', browser: null, strip: [] });
  const owner: CaptureOwner = { captured: () => undefined };
  const storing = new Storing(edge, config, views, owner);
  const seen: string[] = [];
  const lookupOwner: LookupOwner = {
    found: (_ex, _job, key, entry) => seen.push(`found ${key.split('\n').length} ${entry.body}`),
    missed: (_ex, _job, _key, fwd) => seen.push(fwd),
  };
  const lookup = new Lookup(edge, lookupOwner);
  const request = (method: string, headers: Fields): Exchange =>
    ({ method, host: 'h', clientTarget: '/a', state: OPEN, req: { headers } }) as unknown as Exchange;
  const find = (headers: Fields): string => {
    const job = new CacheJob(MISS, primaryKey('h', '/a', config.key, headers), 0, headers);
    lookup.find(request('GET', headers), job, job.key, false);
    return seen.at(-1)!;
  };
  /** A 200 for /a stored whole, as the link would at the end of its capture. */
  const store = (headers: Fields, pairs: Array<[string, string]>, body: string): boolean => {
    const job = new CacheJob(MISS, primaryKey('h', '/a', config.key, headers), 0, headers);
    const fields = Object.fromEntries(pairs.map(([n, v]) => [n.toLowerCase(), v]));
    const cap = storing.begin(job, T0, 200, pairs, fields, T0);
    if (cap === null) return false;
    cap.data(Buffer.from(body));
    storing.put(request('GET', headers), cap, T0);
    return true;
  };
  return { edge, storing, find, store, request };
}

const rigs: Array<ReturnType<typeof rig>> = [];
after(async () => {
  for (const r of rigs) await r.edge.close();
});
const make = () => {
  const r = rig();
  rigs.push(r);
  return r;
};

describe('storing and lookup, without a link', () => {
  it('a response that Varies is found again through its index, by the request fields it varies on', () => {
    const r = make();
    const vary: Array<[string, string]> = [
      ['Cache-Control', 'max-age=60'],
      ['Vary', 'Accept-Language'],
    ];
    assert.ok(r.store({ 'accept-language': 'en' }, vary, 'english'));
    assert.equal(r.find({ 'accept-language': 'EN' }), 'found 2 english', 'under a variant key, case folded');
    assert.equal(r.find({ 'accept-language': 'fr' }), 'vary-miss');
    assert.equal(r.find({}), 'vary-miss', 'an absent field only matches an absent one');
  });

  it('an unsafe method invalidates the index, and variants of the old index are never found again', () => {
    const r = make();
    const vary: Array<[string, string]> = [
      ['Cache-Control', 'max-age=60'],
      ['Vary', 'Accept-Language'],
    ];
    r.store({ 'accept-language': 'en' }, vary, 'english');
    r.storing.invalidateAfter(r.request('POST', {}), 204, []);
    assert.equal(r.find({ 'accept-language': 'en' }), 'uri-miss');
    r.store({ 'accept-language': 'de' }, vary, 'deutsch');
    assert.equal(r.find({ 'accept-language': 'de' }), 'found 2 deutsch');
    assert.equal(
      r.find({ 'accept-language': 'en' }),
      'vary-miss',
      'still in memory, but of an older generation',
    );
  });

  it('keeps only what may be stored, and drops a copy the origin no longer lets be stored', () => {
    const r = make();
    assert.equal(r.store({}, [['Cache-Control', 'no-store']], 'x'), false);
    assert.equal(
      r.store(
        {},
        [
          ['Cache-Control', 'max-age=60'],
          ['Set-Cookie', 'a=1'],
        ],
        'x',
      ),
      false,
    );
    assert.equal(r.store({}, [], 'no freshness, no validator'), false);
    assert.ok(r.store({}, [['ETag', '"v"']], 'revalidatable'));
    assert.equal(r.find({}), 'found 1 revalidatable');
    const job = new CacheJob(REVALIDATE, primaryKey('h', '/a', config.key, {}), HAS_CACHE_CONTROL, {});
    job.stored = new PreparedViews({ freshness: {}, via: '', browser: null, strip: [] }).unstored(
      200,
      [],
      T0,
      T0,
    );
    const pairs: Array<[string, string]> = [['Cache-Control', 'private']];
    assert.equal(r.storing.begin(job, T0, 200, pairs, { 'cache-control': 'private' }, T0), null);
    assert.equal(r.find({}), 'uri-miss');
  });

  it('keeps an entry for its freshness, its stale windows and the revalidation time', () => {
    const r = make();
    const p = new PreparedViews({ freshness: {}, via: '', browser: null, strip: [] }).unstored(
      200,
      [['Cache-Control', 'max-age=60, stale-while-revalidate=30']],
      T0,
      T0,
    );
    assert.equal(r.storing.keepMs(p, T0), 60_000 + 30_000 + 600_000);
    assert.equal(r.storing.keepMs(p, T0 + 90_000), 30_000 + 600_000, 'past its freshness');
  });
});
