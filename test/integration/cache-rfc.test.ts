/**
 * The RFC corners of the edge cache through a real gateway and origin: Expires and Age parsing
 * (RFC 9111 §5.3, §5.1), immutable (RFC 8246), stale answers a directive forbids even when the
 * origin's connection closes mid-way (§4.2.4), Set-Cookie (docs/caching.md, "Set-Cookie"), and 1xx
 * interim answers (RFC 9110 §15.2).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from './cache-util.js';

const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});
async function rig(route: Record<string, unknown> = {}): Promise<CacheRig> {
  const r = await cacheRig({ retry: { enabled: false }, ...route });
  rigs.push(r);
  return r;
}

describe('edge cache: Expires and Age as sent by real origins', () => {
  it('an Expires that is not one valid HTTP-date is already expired: every request goes upstream', async () => {
    const r = await rig();
    const date = (ms: number) => new Date(ms).toUTCString();
    const cases: Array<string | string[]> = [
      '0',
      'Thu 18 Aug 2050 02:01:18 GMT',
      'Thu, 18 Aug 2050 02:01:18 UTC',
      'Thu, 18-Aug-2050 02:01:18 GMT',
      'Thu, 18 Aug 2050 2:01:18 GMT',
      [date(r.clock.now() + 600_000), date(r.clock.now() + 600_000)],
    ];
    for (const [i, expires] of cases.entries()) {
      r.origin.script = { status: 200, headers: { expires, date: date(r.clock.now()) }, body: `e${i}` };
      const before = r.origin.hits;
      await r.get(`/expires/${i}`);
      const again = await r.get(`/expires/${i}`);
      assert.equal(r.origin.hits, before + 2, `${JSON.stringify(expires)}: not answered from the cache`);
      assert.doesNotMatch(String(again.headers['cache-status']), /hit/);
    }
    r.origin.script = {
      status: 200,
      headers: { expires: date(r.clock.now() + 600_000), date: date(r.clock.now()) },
      body: 'valid',
    };
    await r.get('/expires/valid');
    assert.match(String((await r.get('/expires/valid')).headers['cache-status']), /^keel; hit; ttl=600/);
  });

  it('Age: the first member counts, an invalid one is ignored', async () => {
    const r = await rig();
    const cases: Array<[string | string[], boolean]> = [
      ['7200, 0', false],
      ['0, 7200', true],
      [['7200', '0'], false],
      ['abc', true],
      ['-7200', true],
      ['7200.0', true],
    ];
    for (const [i, [age, hit]] of cases.entries()) {
      r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=3600', age }, body: `a${i}` };
      await r.get(`/age/${i}`);
      const again = await r.get(`/age/${i}`);
      assert.equal(
        /^keel; hit/.test(String(again.headers['cache-status'])),
        hit,
        `Age ${JSON.stringify(age)}`,
      );
    }
  });
});

describe('edge cache: immutable (RFC 8246)', () => {
  it('a fresh immutable answer is not revalidated on a reload (max-age=0), only on a forced one (no-cache)', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=600, immutable', etag: '"i1"' },
      body: 'asset',
      etag304: '"i1"',
    };
    await r.get('/app.js');
    r.clock.advance(1000); // the stored answer is 1 s old: older than max-age=0 accepts
    const reload = await r.get('/app.js', { 'cache-control': 'max-age=0' });
    assert.equal(reload.body, 'asset');
    assert.match(String(reload.headers['cache-status']), /^keel; hit/);
    assert.equal(r.origin.hits, 1);
    const forced = await r.get('/app.js', { 'cache-control': 'no-cache' });
    assert.equal(forced.body, 'asset');
    assert.equal(r.origin.hits, 2, 'no-cache revalidates');
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'mutable' };
    await r.get('/page');
    r.clock.advance(1000);
    await r.get('/page', { 'cache-control': 'max-age=0' });
    assert.equal(r.origin.hits, 4, 'without immutable, max-age=0 revalidates');
  });
});

describe('edge cache: stale answers a directive forbids (RFC 9111 §4.2.4)', () => {
  for (const cc of ['must-revalidate', 'proxy-revalidate', 's-maxage=1', 'no-cache']) {
    for (const cut of ['head', 'body'] as const) {
      it(`${cc}: never stale when the origin's connection closes ${cut === 'head' ? 'before the head' : 'mid-body'}`, async () => {
        const r = await rig({ cache: { stale_if_error: '1h', stale_while_revalidate: '1h' } });
        const fields = {
          'cache-control': `max-age=1, ${cc}, stale-if-error=3600, stale-while-revalidate=3600`,
        };
        r.origin.script = { status: 200, headers: fields, body: 'first' };
        await r.get('/f');
        r.clock.advance(5000);
        r.origin.script = { status: 200, headers: fields, body: 'second!', cut };
        const res = await r.get('/f', { 'cache-control': 'max-stale=3600' });
        assert.notEqual(res.body, 'first', 'the stale copy was not served');
        if (cut === 'head') assert.equal(res.status, 502);
        else
          assert.ok(
            res.error !== '' || res.body !== 'second!second!',
            'the cut body is not passed off as whole',
          );
        assert.doesNotMatch(String(res.headers?.['cache-status'] ?? ''), /stale/);
      });
    }
  }

  it('without such a directive the same failure answers stale (the control case)', async () => {
    const r = await rig({ cache: { stale_if_error: '1h' } });
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1' }, body: 'first' };
    await r.get('/f');
    r.clock.advance(5000);
    r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=1' }, body: 'x', cut: 'head' };
    const res = await r.get('/f');
    assert.equal(res.body, 'first');
    assert.match(String(res.headers['cache-status']), /detail=stale-if-error/);
  });
});

describe('edge cache: Set-Cookie (docs/caching.md, "Set-Cookie")', () => {
  const answer = {
    status: 200,
    headers: { 'cache-control': 'max-age=60', 'set-cookie': 'sid=alice' },
    body: 'p',
  };

  it('refuse (the default): not stored; every client gets its own answer and cookie', async () => {
    const r = await rig();
    r.origin.script = answer;
    assert.equal((await r.get('/c')).headers['set-cookie']?.[0], 'sid=alice');
    assert.equal((await r.get('/c')).headers['set-cookie']?.[0], 'sid=alice');
    assert.equal(r.origin.hits, 2);
  });

  it('strip: stored without the field; only the client that caused the fill gets the cookie', async () => {
    const r = await rig({ cache: { set_cookie: 'strip' } });
    r.origin.script = answer;
    assert.equal((await r.get('/c')).headers['set-cookie']?.[0], 'sid=alice');
    const hit = await r.get('/c');
    assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    assert.equal(hit.headers['set-cookie'], undefined);
    assert.equal(r.origin.hits, 1);
  });

  it('keep: stored as is, so every hit carries the cookie', async () => {
    const r = await rig({ cache: { set_cookie: 'keep' } });
    r.origin.script = answer;
    await r.get('/c');
    const hit = await r.get('/c');
    assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    assert.equal(hit.headers['set-cookie']?.[0], 'sid=alice');
  });

  it('a 304 that freshens an entry never puts its Set-Cookie into the store', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=1', etag: '"v"' },
      body: 'page',
      etag304: '"v"',
      headers304: { 'cache-control': 'max-age=60', etag: '"v"', 'set-cookie': 'sid=bob' },
    };
    await r.get('/r');
    r.clock.advance(5000);
    await r.get('/r');
    assert.equal(r.origin.hits, 2);
    const hit = await r.get('/r');
    assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    assert.equal(hit.headers['set-cookie'], undefined);
  });
});

/** A GET that records the 1xx answers before the final one. */
function getWithInterim(url: string): Promise<{
  interim: Array<{ status: number; headers: Record<string, unknown> }>;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const interim: Array<{ status: number; headers: Record<string, unknown> }> = [];
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ interim, status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('information', (info) => interim.push({ status: info.statusCode, headers: info.headers }));
    req.on('error', reject);
    req.end();
  });
}

describe('edge cache: 1xx interim answers (RFC 9110 §15.2)', () => {
  it('relays 102 and 103 Early Hints to the client, and never stores them or their fields', async () => {
    const r = await rig();
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=600' },
      body: 'final',
      interim: [
        [102, {}],
        [103, { link: '</styles.css>; rel=preload; as=style', 'x-my-header': 'test' }],
      ],
    };
    const first = await getWithInterim(`${r.url}/hints`);
    assert.deepEqual(
      first.interim.map((i) => i.status),
      [102, 103],
    );
    const hints = first.interim[1]!.headers;
    assert.equal(hints.link, '</styles.css>; rel=preload; as=style');
    assert.equal(hints['x-my-header'], 'test');
    assert.equal(first.body, 'final');
    assert.equal(first.headers['x-my-header'], undefined, 'a 103 field is not a field of the final answer');
    const hit = await getWithInterim(`${r.url}/hints`);
    assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    assert.deepEqual(hit.interim, [], 'a hit has no interim answers');
    assert.equal(hit.headers['x-my-header'], undefined);
    assert.equal(r.origin.hits, 1);
  });
});
