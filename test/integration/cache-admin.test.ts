import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { Origin } from './cache-util.js';
import { parse, scrape, startKeel, sum } from './metrics-util.js';
import { send } from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

interface Answer {
  purged?: number;
  error?: { message: string; fix: string };
}

function post(url: string, body: unknown, token?: string): Promise<{ status: number; json: Answer }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: text === '' ? null : JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function start(admin: Record<string, unknown>) {
  const origin = await new Origin().listen();
  origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'stored' };
  const k = await startKeel({
    admin: { host: '127.0.0.1', port: 0, ...admin },
    pools: { web: { hosts: [origin.url] } },
    routes: [{ name: 'web', pool: 'web', cache: {} }],
    telemetry: { access_log: { enabled: false } },
  });
  cleanup.push(async () => {
    await k.app.shutdown('test');
    await origin.close();
  });
  return { ...k, origin };
}

describe('cache purge API and metrics', () => {
  it('purges by URL (all variants) and by prefix, only with the admin token', async () => {
    const k = await start({ token: 's3cret' });
    const host = new URL(k.url).host;
    for (const p of ['/img/a', '/img/b', '/doc']) await send(`${k.url}${p}`);
    assert.equal(k.origin.hits, 3);
    const noToken = await post(`${k.admin}/api/v1/cache/purge`, { url: `http://${host}/doc` });
    assert.equal(noToken.status, 401);
    const bad = await post(`${k.admin}/api/v1/cache/purge`, { path: '/doc' }, 's3cret');
    assert.equal(bad.status, 400);
    assert.match(bad.json.error?.message ?? '', /exactly one of "url" or "prefix"/);
    const one = await post(`${k.admin}/api/v1/cache/purge`, { url: `http://${host}/doc` }, 's3cret');
    assert.deepEqual([one.status, one.json], [200, { purged: 1 }]);
    const pre = await post(`${k.admin}/api/v1/cache/purge`, { prefix: `${host}/img/` }, 's3cret');
    assert.deepEqual(pre.json, { purged: 2 });
    for (const p of ['/img/a', '/img/b', '/doc']) await send(`${k.url}${p}`);
    assert.equal(k.origin.hits, 6);
  });

  it('with no admin.token, a purge takes the token Keel generated, and a 401 says where it is', async () => {
    const k = await start({});
    const r = await post(`${k.admin}/api/v1/cache/purge`, { prefix: 'x/' });
    assert.equal(r.status, 401);
    const file = k.app.admin!.tokenFile!;
    assert.ok(r.json.error?.fix.includes(file), r.json.error?.fix);
    const ok = await post(`${k.admin}/api/v1/cache/purge`, { prefix: 'x/' }, k.app.admin!.token);
    assert.deepEqual([ok.status, ok.json], [200, { purged: 0 }]);
  });

  it('exposes hits, misses, stale answers, revalidations and store size as metrics', async () => {
    const k = await start({});
    await send(`${k.url}/m`);
    await send(`${k.url}/m`);
    await send(`${k.url}/m`);
    await send(`${k.url}/m`, { method: 'POST', body: 'x' });
    const metric = async () => parse((await scrape(k.admin)).text);
    // request.done is published when each response closes, a moment after the client read it.
    let s = await metric();
    for (let i = 0; i < 50 && sum(s, 'keel_cache_requests_total') < 4; i++) s = await metric();
    assert.equal(sum(s, 'keel_cache_requests_total', { route: 'web', result: 'miss' }), 1);
    assert.equal(sum(s, 'keel_cache_requests_total', { route: 'web', result: 'hit' }), 2);
    assert.equal(sum(s, 'keel_cache_requests_total', { route: 'web', result: 'pass' }), 1);
    assert.equal(sum(s, 'keel_cache_entries'), 0, 'the POST invalidated /m');
    await send(`${k.url}/m`);
    s = await metric();
    assert.equal(sum(s, 'keel_cache_entries'), 1);
    assert.ok(sum(s, 'keel_cache_bytes') > 'stored'.length);
    assert.equal(sum(s, 'keel_cache_evictions_total'), 0);
  });
});
