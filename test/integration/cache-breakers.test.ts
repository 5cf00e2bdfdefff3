/**
 * Where the edge cache meets failure isolation (docs/caching.md, "What a request goes through":
 * the cache sits above the breakers): with the default host breaker, a cached route keeps
 * answering hits and stale-if-error answers while the breaker is open, and an origin that answers
 * 500 on some URLs on purpose does not stop the route caching the others.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from './cache-util.js';

const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});

/** An origin that fails /broken/* on purpose and answers every other path, cacheable. */
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
    res.writeHead(200, { 'cache-control': cacheControl });
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

  it('while the host breaker is open (a burst of 500s): hits and stale-if-error answers go on', async () => {
    const r = await rig('max-age=2, stale-if-error=3600');
    await r.get('/fresh-long'); // stored for 2 s, then stale within stale-if-error
    for (let i = 0; i < 3; i++) await r.get(`/kept/${i}`);
    // Five 500s in a row open today's host breaker (consecutive_failures: 5).
    for (let i = 0; i < 5; i++) assert.equal((await r.get(`/broken/${i}`)).status, 500);
    const refused = await r.get('/never-stored');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN', 'the breaker is open');
    for (let i = 0; i < 3; i++) {
      const hit = await r.get(`/kept/${i}`);
      assert.equal(hit.body, `page /kept/${i}`);
      assert.match(status(hit.headers), /^keel; hit/);
    }
    r.clock.advance(3_000); // past max-age; the breaker (open 5 s) still open
    const stale = await r.get('/fresh-long');
    assert.equal(stale.status, 200);
    assert.equal(stale.body, 'page /fresh-long');
    assert.match(status(stale.headers), /detail=stale-if-error/);
    assert.equal(r.seen.get('/fresh-long'), 1, 'the open breaker kept it from the origin');
    // Once the breaker lets a probe through, the route stores new URLs again.
    r.clock.advance(3_000);
    assert.equal((await r.get('/after')).status, 200);
    assert.match(status((await r.get('/after')).headers), /^keel; hit/);
  });
});
