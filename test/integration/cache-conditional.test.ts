import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from './cache-util.js';
import { waitFor } from './proxy-util.js';

const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});
async function rig(route: Record<string, unknown> = {}): Promise<CacheRig> {
  const r = await cacheRig(route);
  rigs.push(r);
  return r;
}

const LM = 'Wed, 25 Nov 2026 10:00:00 GMT';

/**
 * A browser revalidating what it holds, on a key Keel has not stored (cold cache, after a purge or
 * an eviction): RFC 9111 §4.3.2 — the cache answers the client's conditional itself, so the
 * origin is asked for the whole response, which is stored (nginx's proxy_cache does the same).
 */
describe('edge cache: a client conditional on a miss', () => {
  it('sends the origin no validators, stores the whole answer and gives the client its 304', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', etag: '"a1"' },
      body: 'asset',
    };
    const first = await r.get('/app.js', { 'if-none-match': '"a1"' });
    assert.equal(first.status, 304);
    assert.equal(first.body, '');
    assert.equal(first.headers.etag, '"a1"');
    assert.equal(first.headers['cache-status'], 'keel; fwd=uri-miss; fwd-status=200; stored');
    assert.equal(r.origin.seen[0]?.headers['if-none-match'], undefined);
    // The whole answer was stored: a client without validators gets it from the cache.
    const plain = await r.get('/app.js');
    assert.equal(plain.status, 200);
    assert.equal(plain.body, 'asset');
    assert.match(String(plain.headers['cache-status']), /^keel; hit/);
    assert.equal(r.origin.hits, 1);
    await waitFor(() => r.events('request.done').length === 2, 'two request.done');
    assert.deepEqual(
      r.events('request.done').map((e) => [e.status, e.cache]),
      [
        [304, 'miss'],
        [200, 'hit'],
      ],
    );
  });

  it('validators that do not match get the whole answer; If-Modified-Since is answered too', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60', etag: '"new"' }, body: 'v2' };
    const stale = await r.get('/e', { 'if-none-match': '"old"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body, 'v2');
    assert.equal(r.origin.seen[0]?.headers['if-none-match'], undefined);
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', 'last-modified': LM },
      body: 'lm',
    };
    const since = await r.get('/lm', { 'if-modified-since': LM });
    assert.equal(since.status, 304);
    assert.equal(r.origin.seen[1]?.headers['if-modified-since'], undefined);
    assert.equal((await r.get('/lm')).body, 'lm');
    assert.equal((await r.get('/e')).body, 'v2');
    assert.equal(r.origin.hits, 2);
  });

  it('an answer that may not be stored still gets the 304, and the next request goes upstream', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'private', etag: '"p"' }, body: 'mine' };
    const c = await r.get('/p', { 'if-none-match': '"p"' });
    assert.equal(c.status, 304);
    assert.equal(c.headers['cache-status'], 'keel; fwd=uri-miss; fwd-status=200');
    const again = await r.get('/p');
    assert.equal(again.status, 200);
    assert.equal(again.body, 'mine');
    assert.equal(r.origin.hits, 2);
  });

  it('a body above max_object_bytes answers the 304 at once and stores nothing', async () => {
    const r = await rig({ cache: { max_object_bytes: 10 } });
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', etag: '"big"' },
      body: 'x'.repeat(64),
    };
    const c = await r.get('/big', { 'if-none-match': '"big"' });
    assert.equal(c.status, 304);
    assert.equal((await r.get('/big')).body.length, 64);
    assert.equal(r.origin.hits, 2);
  });

  it('a body cut off while the 304 waits for it: the client gets 502 and nothing is stored', async () => {
    const r = await rig();
    r.origin.handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"c"', 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    };
    const cut = await r.get('/cut', { 'if-none-match': '"c"' });
    assert.equal(cut.status, 502);
    assert.equal(cut.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_RESET');
    r.origin.handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"c"' });
      res.end('whole');
    };
    const next = await r.get('/cut');
    assert.equal(next.body, 'whole');
    assert.match(String(next.headers['cache-status']), /fwd=uri-miss/);
  });

  it('a changed answer on revalidation still meets the client validators it matches', async () => {
    const r = await rig();
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1', etag: '"v1"' }, body: 'one' };
    await r.get('/r');
    r.clock.advance(5_000);
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60', etag: '"v2"' }, body: 'two' };
    // Keel revalidates with its own validator ("v1"); the origin's new "v2" is what the client holds.
    const c = await r.get('/r', { 'if-none-match': '"v2"' });
    assert.equal(r.origin.seen[1]?.headers['if-none-match'], '"v1"');
    assert.equal(c.status, 304);
    assert.equal(c.headers.etag, '"v2"');
    assert.equal((await r.get('/r')).body, 'two');
    assert.equal(r.origin.hits, 2);
  });
});

describe('edge cache: byte ranges of a stored response', () => {
  it('answers one range from the store with 206 and Content-Range; past the end 416', async () => {
    const r = await rig();
    const body = 'abcdefghijklmnopqrstuvwxyz';
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=60', etag: '"abc"' }, body };
    await r.get('/doc');
    const part = await r.get('/doc', { range: 'bytes=2-5' });
    assert.equal(part.status, 206);
    assert.equal(part.body, 'cdef');
    assert.equal(part.headers['content-range'], 'bytes 2-5/26');
    assert.equal(part.headers['content-length'], '4');
    assert.match(String(part.headers['cache-status']), /^keel; hit/);
    const tail = await r.get('/doc', { range: 'bytes=-3' });
    assert.equal(tail.body, 'xyz');
    const none = await r.get('/doc', { range: 'bytes=26-' });
    assert.equal(none.status, 416);
    assert.equal(none.headers['content-range'], 'bytes */26');
    assert.equal(none.body, '');
    // If-Range that does not match the stored ETag: the whole body (RFC 9110 §13.1.5).
    const changed = await r.get('/doc', { range: 'bytes=0-1', 'if-range': '"other"' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body, body);
    // Several ranges are not served as multipart: the whole body (§14.2 allows it).
    assert.equal((await r.get('/doc', { range: 'bytes=0-1,4-5' })).status, 200);
    assert.equal(r.origin.hits, 1);
    await waitFor(() => r.events('request.done').length === 6, 'six request.done');
    assert.deepEqual(
      r.events('request.done').map((e) => e.status),
      [200, 206, 206, 416, 200, 200],
    );
  });

  it('a range on a miss goes to the origin as asked; its 206 is relayed, not stored', async () => {
    const r = await rig();
    r.origin.handler = (req, res) => {
      req.resume();
      if (req.headers.range === 'bytes=0-1') {
        res.writeHead(206, { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-1/4' });
        res.end('ab');
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('abcd');
    };
    const part = await r.get('/m', { range: 'bytes=0-1' });
    assert.equal(part.status, 206);
    assert.equal(part.body, 'ab');
    const whole = await r.get('/m');
    assert.equal(whole.status, 200);
    assert.equal(whole.body, 'abcd');
    assert.match(String(whole.headers['cache-status']), /fwd=uri-miss/);
    assert.equal((await r.get('/m', { range: 'bytes=1-2' })).body, 'bc');
    assert.equal(r.origin.hits, 2);
  });
});
