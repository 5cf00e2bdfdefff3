import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from './cache-util.js';
import { send, waitFor } from './proxy-util.js';

const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});
async function rig(
  route: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
  pool: Record<string, unknown> = {},
): Promise<CacheRig> {
  const r = await cacheRig(route, top, pool);
  rigs.push(r);
  return r;
}

const outcomes = (r: CacheRig): string[] => r.events('request.done').map((e) => e.cache);

describe('edge cache: RFC 9111 storing and serving', () => {
  it('stores a max-age response and answers the next request from memory with Age and Cache-Status', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'v1',
    };
    const first = await r.get('/a');
    assert.equal(first.status, 200);
    assert.equal(first.body, 'v1');
    assert.equal(first.headers['cache-status'], 'keel; fwd=uri-miss; fwd-status=200; stored');
    r.clock.advance(10_000);
    r.origin.script.body = 'v2';
    const second = await r.get('/a');
    assert.equal(second.body, 'v1');
    assert.equal(second.headers.age, '10');
    assert.equal(second.headers['cache-status'], 'keel; hit; ttl=50');
    assert.equal(second.headers['content-type'], 'text/plain');
    assert.match(String(second.headers['x-request-id']), /.+/);
    assert.equal(r.origin.hits, 1);
    await waitFor(() => outcomes(r).length === 2, 'two request.done');
    assert.deepEqual(outcomes(r), ['miss', 'hit']);
  });

  it('s-maxage wins over max-age, and Expires counts when no max-age is given', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1, s-maxage=100' }, body: 'x' };
    await r.get('/s');
    r.clock.advance(50_000);
    assert.equal((await r.get('/s')).headers['cache-status'], 'keel; hit; ttl=50');
    const now = r.clock.now();
    r.origin.script = {
      status: 200,
      headers: { date: new Date(now).toUTCString(), expires: new Date(now + 30_000).toUTCString() },
      body: 'e',
    };
    await r.get('/e');
    r.clock.advance(29_000);
    assert.match(String((await r.get('/e')).headers['cache-status']), /^keel; hit; ttl=1/);
    r.clock.advance(2000);
    assert.match(String((await r.get('/e')).headers['cache-status']), /fwd=stale/);
  });

  it('serves HEAD from a stored GET, and never stores a HEAD answer', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'hello' };
    const headMiss = await send(`${r.url}/h`, { method: 'HEAD' });
    assert.equal(headMiss.status, 200);
    assert.equal(r.origin.seen.at(-1)?.method, 'HEAD');
    await r.get('/h');
    const head = await send(`${r.url}/h`, { method: 'HEAD' });
    assert.equal(head.headers['content-length'], '5');
    assert.equal(head.body, '');
    assert.equal(head.headers['cache-status'], 'keel; hit; ttl=60');
    assert.equal(r.origin.hits, 2);
  });

  it('does not store no-store, private, Set-Cookie or Authorization answers (without public)', async () => {
    const r = await rig();
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['/ns', { 'cache-control': 'no-store, max-age=60' }, {}],
      ['/pv', { 'cache-control': 'private, max-age=60' }, {}],
      ['/ck', { 'cache-control': 'max-age=60', 'set-cookie': 'a=1' }, {}],
      ['/au', { 'cache-control': 'max-age=60' }, { authorization: 'Bearer x' }],
    ];
    for (const [path, headers, req] of cases) {
      r.origin.script = { status: 200, headers, body: path };
      await r.get(path, req);
      const again = await r.get(path, req);
      assert.match(String(again.headers['cache-status']), /fwd=uri-miss; fwd-status=200$/, path);
    }
    assert.equal(r.origin.hits, 8);
    r.origin.script = { status: 200, headers: { 'cache-control': 'public, max-age=60' }, body: 'pub' };
    await r.get('/au2', { authorization: 'Bearer x' });
    assert.equal(
      (await r.get('/au2', { authorization: 'Bearer x' })).headers['cache-status'],
      'keel; hit; ttl=60',
    );
  });

  it('request directives: no-cache revalidates, max-age=0 revalidates, only-if-cached answers 504 on a miss', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', etag: '"t1"' },
      body: 'a',
      etag304: '"t1"',
    };
    await r.get('/r');
    const nc = await r.get('/r', { 'cache-control': 'no-cache' });
    assert.equal(nc.headers['cache-status'], 'keel; fwd=request; fwd-status=304; ttl=60; stored');
    assert.equal(nc.body, 'a');
    assert.equal(r.origin.seen.at(-1)?.headers['if-none-match'], '"t1"');
    r.clock.advance(5000);
    const ma = await r.get('/r', { 'cache-control': 'max-age=1' });
    assert.match(String(ma.headers['cache-status']), /fwd-status=304/);
    const oic = await r.get('/nothing', { 'cache-control': 'only-if-cached' });
    assert.equal(oic.status, 504);
    assert.equal(oic.headers['x-keel-error'], 'KEEL_ERR_NOT_CACHED');
    assert.equal((await r.get('/r', { 'cache-control': 'only-if-cached' })).status, 200);
  });

  it('validates with ETag and Last-Modified, freshening stored headers from the 304', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=10', etag: '"v1"', 'x-version': 'one' },
      body: 'body-1',
      etag304: '"v1"',
      headers304: { 'cache-control': 'max-age=20', 'x-version': 'two' },
    };
    await r.get('/v');
    r.clock.advance(11_000);
    const re = await r.get('/v');
    assert.equal(re.body, 'body-1');
    assert.equal(re.headers['x-version'], 'two');
    assert.equal(re.headers['cache-status'], 'keel; fwd=stale; fwd-status=304; ttl=20; stored');
    assert.equal(r.origin.seen.at(-1)?.headers['if-none-match'], '"v1"');
    r.clock.advance(5000);
    const hit = await r.get('/v');
    assert.equal(hit.headers['cache-status'], 'keel; hit; ttl=15');
    assert.equal(hit.headers['x-version'], 'two');
    await waitFor(() => r.events('cache.revalidate').length === 1, 'revalidate event');
    assert.equal(r.events('cache.revalidate')[0]?.result, 'not_modified');
    const lm = new Date(r.clock.now() - 3_600_000).toUTCString();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=0', 'last-modified': lm },
      body: 'lm',
    };
    await r.get('/lm');
    await r.get('/lm');
    assert.equal(r.origin.seen.at(-1)?.headers['if-modified-since'], lm);
  });

  it("answers a client's own If-None-Match from the cache with 304", async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60', etag: 'W/"z"' }, body: 'zz' };
    await r.get('/c');
    const c = await r.get('/c', { 'if-none-match': '"z"' });
    assert.equal(c.status, 304);
    assert.equal(c.body, '');
    assert.equal(c.headers.etag, 'W/"z"');
    assert.equal(r.origin.hits, 1);
  });

  it('Vary: variants by normalised request fields; Vary: * is not stored', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: 'en',
    };
    await r.get('/l', { 'accept-language': 'en' });
    r.origin.script.body = 'fr';
    assert.match(
      String((await r.get('/l', { 'accept-language': 'fr' })).headers['cache-status']),
      /fwd=vary-miss/,
    );
    assert.equal((await r.get('/l', { 'accept-language': 'EN' })).body, 'en');
    assert.equal((await r.get('/l', { 'accept-language': ' fr' })).body, 'fr');
    assert.equal(r.origin.hits, 2);
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60', vary: '*' }, body: 's' };
    await r.get('/star');
    await r.get('/star');
    assert.equal(r.origin.hits, 4);
  });

  it('invalidates after a successful unsafe method, including a same-origin Location', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'old' };
    await r.get('/doc');
    await r.get('/other');
    r.origin.script = { status: 201, headers: { location: '/other' }, body: '' };
    const post = await send(`${r.url}/doc`, { method: 'POST', body: 'x' });
    assert.equal(post.headers['cache-status'], 'keel; fwd=method; fwd-status=201');
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'new' };
    assert.equal((await r.get('/doc')).body, 'new');
    assert.equal((await r.get('/other')).body, 'new');
  });

  it('passes CDN-Cache-Control and Keel-Cache-Control on downstream by default, each honoured first (RFC 9213)', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: {
        'cache-control': 'no-store',
        'keel-cache-control': 'max-age=20',
        'cdn-cache-control': 'max-age=30',
      },
      body: 'targeted',
    };
    const first = await r.get('/targeted');
    assert.equal(first.headers['cdn-cache-control'], 'max-age=30');
    assert.equal(first.headers['keel-cache-control'], 'max-age=20');
    assert.equal(first.headers['cache-control'], 'no-store');
    const hit = await r.get('/targeted');
    assert.equal(hit.headers['cache-status'], 'keel; hit; ttl=20', 'Keel-Cache-Control is read first');
    assert.equal(hit.headers['cdn-cache-control'], 'max-age=30');
    assert.equal(hit.headers['keel-cache-control'], 'max-age=20');
    // An invalid Keel-Cache-Control is ignored: the next targeted field governs.
    r.origin.script = {
      status: 200,
      headers: {
        'cache-control': 'no-store',
        'keel-cache-control': 'max-age=(1)',
        'cdn-cache-control': 'max-age=40',
      },
      body: 'next',
    };
    await r.get('/next');
    assert.equal((await r.get('/next')).headers['cache-status'], 'keel; hit; ttl=40');
  });

  it('honours CDN-Cache-Control and removes it before the client when the route strips it', async () => {
    const r = await rig({ cache: { strip_targeted: ['CDN-Cache-Control'] } });
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=30' },
      body: 'cdn',
    };
    const first = await r.get('/cdn');
    assert.equal(first.headers['cdn-cache-control'], undefined);
    assert.equal(first.headers['cache-control'], 'no-store');
    const hit = await r.get('/cdn');
    assert.equal(hit.headers['cache-status'], 'keel; hit; ttl=30');
    assert.equal(hit.headers['cdn-cache-control'], undefined);
  });

  it('refuses objects above max_object_bytes but still relays them', async () => {
    const r = await rig({ cache: { max_object_bytes: 10 } });
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(11) };
    assert.equal((await r.get('/big')).body.length, 11);
    assert.equal((await r.get('/big')).body.length, 11);
    assert.equal(r.origin.hits, 2);
  });
});

describe('edge cache: RFC 5861 stale answers and coalescing', () => {
  it('stale-while-revalidate answers stale at once and refreshes in the background', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=10, stale-while-revalidate=30' },
      body: 'one',
    };
    await r.get('/swr');
    r.clock.advance(15_000);
    r.origin.script.body = 'two';
    const stale = await r.get('/swr');
    assert.equal(stale.body, 'one');
    assert.equal(stale.headers['cache-status'], 'keel; hit; ttl=-5; detail=stale-while-revalidate');
    await waitFor(() => r.events('cache.revalidate').length === 1, 'background refresh');
    assert.deepEqual(
      {
        result: r.events('cache.revalidate')[0]?.result,
        background: r.events('cache.revalidate')[0]?.background,
      },
      { result: 'modified', background: true },
    );
    await waitFor(() => r.origin.hits === 2, 'refresh reached the origin');
    let fresh = await r.get('/swr');
    for (let i = 0; i < 50 && fresh.body !== 'two'; i++) fresh = await r.get('/swr');
    assert.equal(fresh.body, 'two');
    assert.equal(fresh.headers['cache-status'], 'keel; hit; ttl=10');
  });

  it('the upstream dies: cached routes keep answering stale within stale-if-error, marked as such', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=5, stale-if-error=600' },
      body: 'page',
    };
    await r.get('/p');
    r.origin.kill();
    r.clock.advance(60_000);
    const a = await r.get('/p');
    assert.equal(a.status, 200);
    assert.equal(a.body, 'page');
    assert.equal(a.headers['cache-status'], 'keel; hit; ttl=-55; detail=stale-if-error');
    const miss = await r.get('/never-cached');
    assert.equal(miss.status, 502);
    await waitFor(() => outcomes(r).includes('stale-if-error'), 'access log outcome');
  });

  it('serves stale on a 5xx and on an open breaker, but never when must-revalidate forbids it', async () => {
    const r = await rig({ cache: { stale_if_error: '10m' } });
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1' }, body: 'ok' };
    await r.get('/x');
    r.origin.script = { status: 503, headers: {}, body: 'down' };
    r.clock.advance(5000);
    const s = await r.get('/x');
    assert.equal(s.body, 'ok');
    assert.equal(s.headers['cache-status'], 'keel; hit; fwd-status=503; ttl=-4; detail=stale-if-error');
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1, must-revalidate' }, body: 'mr' };
    await r.get('/mr');
    r.origin.script = { status: 503, headers: {}, body: 'down' };
    r.clock.advance(5000);
    const m = await r.get('/mr');
    assert.equal(m.status, 503);
  });

  it('concurrent misses for one key cause one upstream request', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'once', hold: true };
    const replies = Array.from({ length: 8 }, () => r.get('/co'));
    await waitFor(() => r.origin.held === 1, 'the leader at the origin');
    const waiting = () => r.gw.cache()?.fills.stats().waiters ?? 0;
    await waitFor(() => waiting() === 7, 'seven requests waiting on the fill');
    r.origin.release();
    const all = await Promise.all(replies);
    assert.equal(r.origin.hits, 1);
    assert.ok(all.every((x) => x.status === 200 && x.body === 'once'));
    assert.equal(all.filter((x) => /collapsed/.test(String(x.headers['cache-status']))).length, 7);
    await waitFor(() => outcomes(r).length === 8, 'request.done');
    assert.equal(outcomes(r).filter((o) => o === 'coalesced').length, 7);
  });

  it('concurrent misses of one Vary variant wait for its leader, which releases that variant when done', async () => {
    // A lock timeout longer than the test: only the leader's release can let the waiter go.
    const r = await rig({ cache: { lock_timeout: '1m' } });
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: 'en',
    };
    await r.get('/cv', { 'accept-language': 'en' });
    r.origin.script = { ...r.origin.script, body: 'fr', hold: true };
    const replies = [r.get('/cv', { 'accept-language': 'fr' }), r.get('/cv', { 'accept-language': 'fr' })];
    await waitFor(() => r.origin.held === 1, 'the leader at the origin');
    await waitFor(
      () => r.gw.cache()?.fills.stats().waiters === 1,
      'the other request waiting on the variant',
    );
    r.origin.release();
    const [a, b] = await Promise.all(replies);
    assert.deepEqual([a!.body, b!.body], ['fr', 'fr']);
    assert.equal(r.origin.hits, 2);
    assert.equal([a, b].filter((x) => /collapsed/.test(String(x!.headers['cache-status']))).length, 1);
    assert.equal(r.gw.cache()?.fills.stats().leaders, 0, 'no lead left behind');
  });
});

describe('browser layer', () => {
  it('adds the route Cache-Control where the upstream sent none, or replaces it with override', async () => {
    const r = await rig({ cache: null, browser_cache: { cache_control: 'public, max-age=300' } });
    r.origin.script = { status: 200, headers: {}, body: 'b' };
    assert.equal((await r.get('/b')).headers['cache-control'], 'public, max-age=300');
    r.origin.script = { status: 200, headers: { 'cache-control': 'no-cache' }, body: 'b' };
    assert.equal((await r.get('/b')).headers['cache-control'], 'no-cache');
    const o = await rig({ browser_cache: { cache_control: 'max-age=5', override: true } });
    o.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'o' };
    assert.equal((await o.get('/o')).headers['cache-control'], 'max-age=5');
    const hit = await o.get('/o');
    assert.equal(hit.headers['cache-control'], 'max-age=5');
    assert.equal(hit.headers['cache-status'], 'keel; hit; ttl=600');
  });
});

describe('edge cache: keys, limits and lifecycle', () => {
  it('key rules: sorted or ignored query, and request headers in the key', async () => {
    const s = await rig({ cache: { key: { query: 'sorted' } } });
    s.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'q' };
    await s.get('/q?b=2&a=1');
    assert.match(String((await s.get('/q?a=1&b=2')).headers['cache-status']), /^keel; hit/);
    const i = await rig({ cache: { key: { query: 'ignore', headers: ['x-tenant'] } } });
    i.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'i' };
    await i.get('/q?x=1', { 'x-tenant': 'a' });
    assert.match(String((await i.get('/q?y=2', { 'x-tenant': 'a' })).headers['cache-status']), /^keel; hit/);
    assert.match(String((await i.get('/q', { 'x-tenant': 'b' })).headers['cache-status']), /fwd=uri-miss/);
  });

  it('a body cut off by the upstream is relayed as cut and never stored', async () => {
    const r = await rig();
    r.origin.handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    };
    const cut = await r.get('/cut');
    assert.notEqual(cut.body.length, 100);
    r.origin.handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('whole');
    };
    const next = await r.get('/cut');
    assert.equal(next.body, 'whole');
    assert.match(String(next.headers['cache-status']), /fwd=uri-miss/);
  });

  it('a slow leader: waiters stop waiting after lock_timeout and go upstream themselves', async () => {
    const r = await rig({ cache: { lock_timeout: 50 } });
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'slow', hold: true };
    const leader = r.get('/slow');
    await waitFor(() => r.origin.held === 1, 'leader at the origin');
    const waiter = r.get('/slow');
    await waitFor(() => r.origin.held === 2, 'the waiter went upstream after the lock timeout');
    r.origin.release();
    assert.deepEqual([(await leader).body, (await waiter).body], ['slow', 'slow']);
  });

  it('a hot reload keeps what is stored while `cache:` is unchanged', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'kept' };
    await r.get('/k');
    const { makeConfig } = await import('./proxy-util.js');
    await r.gw.reload(
      makeConfig({
        pools: { web: { hosts: [r.origin.url], health: { outlier: { enabled: false } } } },
        routes: [{ name: 'web', pool: 'web', cache: {}, timeout: '20s' }],
      }),
      'v2',
    );
    assert.match(String((await r.get('/k')).headers['cache-status']), /^keel; hit/);
    assert.equal(r.origin.hits, 1);
  });

  it('stale-if-error covers a timeout and an open breaker, not only a dead upstream', async () => {
    const r = await rig(
      {
        cache: { stale_if_error: '1h' },
        breaker: { consecutive_failures: 1, minimum_requests: 100, open_timeout: 60_000 },
      },
      {},
      { timeouts: { first_byte: 100 } },
    );
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1' }, body: 'cached' };
    await r.get('/t');
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1' }, body: 'late', hold: true };
    r.clock.advance(5000);
    const timedOut = await r.get('/t');
    assert.equal(timedOut.body, 'cached');
    assert.equal(timedOut.headers['cache-status'], 'keel; hit; ttl=-4; detail=stale-if-error');
    const held = r.origin.held;
    const open = await r.get('/t');
    assert.equal(open.body, 'cached');
    assert.equal(r.origin.held, held, 'the open breaker kept the request from the upstream');
    const uncached = await r.get('/u');
    assert.equal(uncached.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN');
    r.origin.release();
  });
});

describe('edge cache: a leader whose client leaves', () => {
  it('releases the waiters at once and keeps coalescing that key afterwards', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'later', hold: true };
    const controller = new AbortController();
    const { request } = await import('node:http');
    const leader = request(`${r.url}/gone`, { signal: controller.signal, agent: false });
    leader.on('error', () => undefined);
    leader.end();
    await waitFor(() => r.origin.held === 1, 'the leader at the origin');
    const waiter = r.get('/gone');
    const fills = () => r.gw.cache()?.fills;
    await waitFor(() => fills()?.stats().waiters === 1, 'a waiter');
    controller.abort();
    await waitFor(() => r.origin.held === 2, 'the waiter went upstream once the leader left');
    r.origin.script.hold = false;
    r.origin.release();
    assert.equal((await waiter).body, 'later');
    await waitFor(() => fills()?.stats().leaders === 0, 'no fill left behind');
  });
});

describe('edge cache: more request and response directives', () => {
  it('max-stale accepts a stale answer, min-fresh refuses one about to expire, response no-cache always validates', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=10', etag: '"e"' },
      body: 'ms',
      etag304: '"e"',
    };
    await r.get('/ms');
    r.clock.advance(13_000);
    const stale = await r.get('/ms', { 'cache-control': 'max-stale=5' });
    assert.equal(stale.headers['cache-status'], 'keel; hit; ttl=-3; detail=max-stale');
    assert.equal(r.origin.hits, 1);
    await waitFor(() => outcomes(r).includes('max-stale'), 'access log max-stale');
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=10' }, body: 'mf' };
    await r.get('/mf');
    r.clock.advance(8000);
    assert.match(
      String((await r.get('/mf', { 'cache-control': 'min-fresh=5' })).headers['cache-status']),
      /fwd=request|fwd=stale/,
    );
    assert.equal(r.origin.hits, 3);
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'no-cache', etag: '"n"' },
      body: 'nc',
      etag304: '"n"',
    };
    await r.get('/nc');
    const again = await r.get('/nc');
    assert.match(String(again.headers['cache-status']), /fwd-status=304/);
    assert.equal(again.body, 'nc');
  });

  it('a same-origin Content-Location is invalidated too, another origin is not', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'v1' };
    await r.get('/cl');
    r.origin.script = {
      status: 200,
      headers: { 'content-location': '/cl', location: 'http://elsewhere.example/x' },
      body: '',
    };
    await send(`${r.url}/put-target`, { method: 'PUT', body: 'x' });
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60' }, body: 'v2' };
    assert.equal((await r.get('/cl')).body, 'v2');
  });
});

describe('edge cache: heuristic freshness', () => {
  it('is off by default, and with heuristic_fraction a share of the Last-Modified age', async () => {
    const off = await rig();
    const lm = new Date(off.clock.now() - 10 * 3_600_000).toUTCString();
    off.origin.script = { status: 200, headers: { 'last-modified': lm }, body: 'h' };
    await off.get('/h');
    assert.match(
      String((await off.get('/h')).headers['cache-status']),
      /fwd=stale/,
      'stored for revalidation only',
    );
    const on = await rig({ cache: { heuristic_fraction: 0.1 } });
    on.origin.script = {
      status: 200,
      headers: { 'last-modified': new Date(on.clock.now() - 10 * 3_600_000).toUTCString() },
      body: 'h',
    };
    await on.get('/h');
    assert.equal((await on.get('/h')).headers['cache-status'], 'keel; hit; ttl=3600');
  });
});

describe('edge cache: an origin that contradicts itself', () => {
  it('a 304 whose ETag does not match the stored one: the client still gets the stored answer, nothing is freshened', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=1', etag: '"a"' },
      body: 'stored',
      etag304: '"a"',
      headers304: { etag: '"b"', 'cache-control': 'max-age=100' },
    };
    await r.get('/m');
    r.clock.advance(5000);
    const got = await r.get('/m');
    assert.equal(got.status, 200);
    assert.equal(got.body, 'stored');
    assert.equal(
      got.headers['cache-status'],
      'keel; fwd=stale; fwd-status=304; ttl=-4; detail=validator-mismatch',
    );
    assert.match(
      String((await r.get('/m')).headers['cache-status']),
      /fwd=stale; fwd-status=304/,
      'revalidated again',
    );
    assert.equal(r.origin.hits, 3);
  });
});
