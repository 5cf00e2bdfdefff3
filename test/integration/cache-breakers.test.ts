/**
 * Where the edge cache meets failure isolation (docs/caching.md, "What a request goes through":
 * the cache sits above the breakers, docs/health.md): a cached route keeps answering hits and
 * stale-if-error answers while an endpoint's breaker or the host's breaker is open, and an origin
 * that answers 500 on some URLs on purpose does not stop the route caching the others.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from './cache-util.js';

const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});

/** An origin that fails /broken/* on purpose and answers every other path, cacheable (`cacheControl` for /pages/* and /page). */
async function rig(cacheControl = 'max-age=600'): Promise<CacheRig & { seen: Map<string, number> }> {
  const r = await cacheRig({ cache: {} });
  rigs.push(r);
  const seen = new Map<string, number>();
  r.origin.handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    seen.set(path, (seen.get(path) ?? 0) + 1);
    req.resume();
    res.sendDate = false;
    if (path.startsWith('/broken')) {
      res.writeHead(500, { 'cache-control': 'no-store' });
      res.end('broken');
      return;
    }
    // The given freshness for /pages/* and /page; the other paths stay fresh for 10 minutes.
    const fresh = path.startsWith('/pages/') || path === '/page' ? cacheControl : 'max-age=600';
    res.writeHead(200, { 'cache-control': fresh });
    res.end(`page ${path}`);
  };
  return Object.assign(r, { seen });
}

const status = (h: Record<string, unknown>): string => String(h['cache-status'] ?? '');

describe('edge cache and the breakers', () => {
  it('5xx on some URLs, interleaved with the others: every other URL is stored and hit, no 5xx is', async () => {
    const r = await rig();
    for (let i = 0; i < 30; i++) {
      assert.equal((await r.get(`/ok/${i}`)).status, 200);
      if (i % 3 === 0) assert.equal((await r.get(`/broken/${i}`)).status, 500);
    }
    for (let i = 0; i < 30; i++) {
      const again = await r.get(`/ok/${i}`);
      assert.equal(again.body, `page /ok/${i}`);
      assert.match(status(again.headers), /^keel; hit/, `/ok/${i}`);
      assert.equal(r.seen.get(`/ok/${i}`), 1);
    }
    assert.equal((await r.get('/broken/0')).status, 500, 'a 500 is never answered from the cache');
    assert.equal(r.seen.get('/broken/0'), 2);
  });

  it('while an endpoint breaker is open: stale-if-error answers for it, hits and new fills for the others', async () => {
    const r = await rig('max-age=2, stale-if-error=3600');
    await r.get('/pages/1'); // stored for 2 s, then stale within stale-if-error
    for (let i = 0; i < 3; i++) await r.get(`/kept/${i}`);
    // The origin breaks /pages/* on purpose: 20 failing tries open that endpoint's breaker.
    const handler = r.origin.handler;
    r.origin.handler = (req, res) => {
      if (req.url?.startsWith('/pages/')) req.url = `/broken${req.url}`;
      handler(req, res, r.origin);
    };
    for (let i = 2; i < 30; i++) await r.get(`/pages/${i}`);
    const refused = await r.get('/pages/99');
    assert.equal(refused.status, 503);
    assert.equal(
      refused.headers['x-keel-error'],
      'KEEL_ERR_ENDPOINT_FAILING',
      'the endpoint breaker is open',
    );
    r.clock.advance(3_000); // /pages/1 is stale now; the breaker (open 5 s) still open
    const stale = await r.get('/pages/1');
    assert.equal(stale.status, 200);
    assert.equal(stale.body, 'page /pages/1');
    assert.match(status(stale.headers), /detail=stale-if-error/);
    assert.equal(r.seen.get('/pages/1'), 1, 'the open breaker kept it from the origin');
    for (let i = 0; i < 3; i++) assert.match(status((await r.get(`/kept/${i}`)).headers), /^keel; hit/);
    // Every other endpoint is stored as before.
    assert.equal((await r.get('/other/1')).status, 200);
    assert.match(status((await r.get('/other/1')).headers), /^keel; hit/);
  });

  it('while the host breaker is open (the origin down): hits and stale-if-error answers go on', async () => {
    const r = await rig('max-age=2, stale-if-error=3600');
    await r.get('/page');
    await r.get('/kept');
    r.origin.kill();
    r.clock.advance(3_000);
    // Connection failures open the host's breaker (a single-host pool: only those do).
    for (let i = 0; i < 10; i++) await r.get(`/new/${i}`);
    const refused = await r.get('/new/99');
    assert.equal(refused.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN', 'the host breaker is open');
    const stale = await r.get('/page');
    assert.equal(stale.body, 'page /page');
    assert.match(status(stale.headers), /detail=stale-if-error/);
    const kept = await r.get('/kept');
    assert.equal(kept.body, 'page /kept');
    assert.match(status(kept.headers), /^keel; hit/);
  });
});
