import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { ReadyBody } from './api-types.js';
import { isLoopback } from './auth.js';
import { hostName } from './guard.js';
import type { AdminBackend } from './routes.js';
import { createAdminServer } from './server.js';

/** A backend with fixed answers: these tests are about HTTP, auth and bad input, not the gateway. */
function backend(over: Partial<AdminBackend> = {}): AdminBackend & { reloads: unknown[] } {
  const reloads: unknown[] = [];
  return {
    reloads,
    pools: () => [],
    routes: () => [{ name: 'r', pool: 'p', match: { hosts: [], path_prefix: '/', methods: [] } }],
    config: () => ({ version: 'v1', loaded_at: new Date(0).toISOString(), source: 'inline', path: null }),
    readiness: (): ReadyBody => ({ status: 'pass', version: '0.1.0', releaseId: 'v1', checks: {} }),
    reload: async (raw) => {
      reloads.push(raw);
      return raw && typeof raw === 'object' && 'bad' in raw
        ? {
            ok: false,
            problems: [
              {
                path: 'routes[0].pool',
                code: 'unknown_reference',
                message: 'unknown pool "x"',
                hint: 'use p',
              },
            ],
          }
        : { ok: true, version: 'v2', changes: null };
    },
    demo: {
      list: () => [],
      applyFault: async (name, body) =>
        name === 'app-1'
          ? body && typeof body === 'object' && (body as { mode?: string }).mode === 'down'
            ? {
                ok: true,
                upstream: {
                  name,
                  url: 'http://x',
                  port: 1,
                  fault: { mode: 'down', latency_ms: 0, error_rate: 0 },
                  requests: 0,
                },
              }
            : { ok: false, status: 400, message: 'mode: bad' }
          : { ok: false, status: 404, message: `unknown upstream "${name}" (known: app-1)` },
    },
    ...over,
  };
}

async function start(opts: {
  token?: string | null;
  backend?: AdminBackend;
  host?: string;
  allowedHosts?: string[];
  tokenSource?: () => string;
}) {
  const s = createAdminServer({
    host: opts.host ?? '127.0.0.1',
    port: 0,
    token: opts.token ?? null,
    allowedHosts: opts.allowedHosts ?? [],
    ...(opts.tokenSource ? { tokenSource: opts.tokenSource } : {}),
    backend: opts.backend ?? backend(),
  });
  const a = await s.listen();
  return { s, base: `http://127.0.0.1:${a.port}` };
}

/** fetch, with the JSON content type every admin mutation must declare unless the test sets its own. */
async function call(url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (init.method === 'POST' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  const error = (json?.error ?? { code: '', message: '' }) as { code: string; message: string };
  return { status: res.status, headers: res.headers, json, error };
}

describe('admin server: routing and bad input', () => {
  let base = '';
  let close: () => Promise<void>;
  before(async () => {
    const r = await start({});
    base = r.base;
    close = () => r.s.close();
  });
  after(() => close());

  it('GET /healthz is 200 application/health+json', async () => {
    const r = await call(`${base}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'pass' });
    assert.match(r.headers.get('content-type') ?? '', /application\/health\+json/);
  });
  it('unknown path is a JSON 404', async () => {
    const r = await call(`${base}/nope`);
    assert.equal(r.status, 404);
    assert.equal(r.error.code, 'not_found');
  });
  it('wrong method is 405 with Allow', async () => {
    const r = await call(`${base}/api/v1/pools`, { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET');
    const r2 = await call(`${base}/api/v1/reload`);
    assert.equal(r2.status, 405);
    assert.equal(r2.headers.get('allow'), 'POST');
  });
  it('GET views answer JSON', async () => {
    assert.deepEqual((await call(`${base}/api/v1/config`)).json, {
      version: 'v1',
      loaded_at: '1970-01-01T00:00:00.000Z',
      source: 'inline',
      path: null,
    });
    assert.equal((await call(`${base}/api/v1/routes`)).status, 200);
    assert.equal((await call(`${base}/api/v1/workers`)).status, 404);
  });
  it('?pretty indents every JSON answer by two spaces, errors included; without it, one line', async () => {
    const text = async (path: string) => (await fetch(`${base}${path}`)).text();
    const plain = await text('/api/v1/routes');
    assert.ok(!plain.includes('\n'), plain);
    const pretty = await text('/api/v1/routes?pretty');
    assert.equal(pretty, `${JSON.stringify(JSON.parse(plain), null, 2)}\n`);
    assert.match(pretty, /^\[\n {2}\{\n {4}"name": "r",/);
    assert.equal(await text('/api/v1/routes?x=1&pretty=1'), pretty);
    assert.equal(await text('/api/v1/routes?pretty=0'), plain);
    assert.match(await text('/nope?pretty'), /^\{\n {2}"error": \{\n {4}"code": "not_found"/);
  });
  it('invalid JSON is 400, an oversized body 413, and the server keeps serving', async () => {
    const bad = await call(`${base}/api/v1/reload`, { method: 'POST', body: '{"oops' });
    assert.equal(bad.status, 400);
    assert.match(bad.error.message, /not valid JSON/);
    const big = await call(`${base}/api/v1/reload`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    assert.equal((await call(`${base}/healthz`)).status, 200);
  });
  it('reload: 200 when ok, 422 with problems when refused', async () => {
    const ok = await call(`${base}/api/v1/reload`, { method: 'POST' });
    assert.deepEqual(ok.json, { ok: true, version: 'v2', changes: null });
    const no = await call(`${base}/api/v1/reload`, { method: 'POST', body: JSON.stringify({ bad: true }) });
    assert.equal(no.status, 422);
    assert.equal((no.json?.problems as unknown[] | undefined)?.length, 1);
  });
  it('demo fault: 200, 400 with a message, 404 listing known names, bad encoding 400', async () => {
    const post = (name: string, body: string) =>
      call(`${base}/api/v1/demo/upstreams/${name}/fault`, { method: 'POST', body });
    assert.equal((await post('app-1', '{"mode":"down"}')).status, 200);
    const bad = await post('app-1', '{"mode":"x"}');
    assert.equal(bad.status, 400);
    assert.match(bad.error.message, /mode/);
    const unknown = await post('app-7', '{"mode":"down"}');
    assert.equal(unknown.status, 404);
    assert.match(unknown.error.message, /known: app-1/);
    assert.equal((await post('%E0%A4%A', '{"mode":"down"}')).status, 400);
  });
  it('readiness failing is a 503', async () => {
    const r = await start({
      backend: backend({
        readiness: () => ({ status: 'fail', version: '0.1.0', releaseId: 'v1', checks: {} }),
      }),
    });
    try {
      const res = await call(`${r.base}/readyz`);
      assert.equal(res.status, 503);
      assert.equal(res.json?.status, 'fail');
    } finally {
      await r.s.close();
    }
  });
  it('demo endpoints are 404 outside the demo', async () => {
    const r = await start({ backend: backend({ demo: null }) });
    try {
      assert.equal((await call(`${r.base}/api/v1/demo/upstreams`)).status, 404);
      assert.equal(
        (await call(`${r.base}/api/v1/demo/upstreams/app-1/fault`, { method: 'POST', body: '{}' })).status,
        404,
      );
    } finally {
      await r.s.close();
    }
  });
});

describe('admin server: auth', () => {
  it('with a token on loopback, POST needs the bearer token, GET does not', async () => {
    const b = backend();
    const { s, base } = await start({ token: 's3cret', backend: b });
    try {
      const no = await call(`${base}/api/v1/reload`, { method: 'POST', body: '{}' });
      assert.equal(no.status, 401);
      assert.equal(no.error.code, 'KEEL_ERR_ADMIN_UNAUTHORIZED');
      const wrong = await call(`${base}/api/v1/reload`, {
        method: 'POST',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(b.reloads.length, 0, 'an unauthorized request never reaches the backend');
      const yes = await call(`${base}/api/v1/reload`, {
        method: 'POST',
        headers: { authorization: 'Bearer s3cret' },
      });
      assert.equal(yes.status, 200);
      assert.equal((await call(`${base}/api/v1/pools`)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('refuses to start on a non-loopback address without a token', () => {
    assert.throws(
      () => createAdminServer({ host: '0.0.0.0', port: 0, token: null, backend: backend() }),
      /not loopback.*admin\.token/,
    );
  });

  it('on a non-loopback address every endpoint but the probes needs the token', async () => {
    const s = createAdminServer({ host: '0.0.0.0', port: 0, token: 'tok', backend: backend() });
    const { port } = await s.listen();
    const base = `http://127.0.0.1:${port}`;
    try {
      assert.equal((await call(`${base}/healthz`)).status, 200);
      assert.equal((await call(`${base}/readyz`)).status, 200);
      assert.equal((await call(`${base}/api/v1/pools`)).status, 401);
      assert.equal(
        (await call(`${base}/api/v1/pools`, { headers: { authorization: 'Bearer tok' } })).status,
        200,
      );
    } finally {
      await s.close();
    }
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.com']) assert.equal(isLoopback(h), false, h);
  });
});

/** A request with exactly the given headers (Host included), as a browser or an attacker sends it. */
function raw(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; code: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: opts.method ?? 'GET',
        setHost: false,
        headers: { host: u.host, ...opts.headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          const code = text ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '') : '';
          resolve({ status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('admin server: what a foreign web page can send is refused (docs/security.md)', () => {
  const b = backend();
  let base = '';
  let close: () => Promise<void>;
  before(async () => {
    const r = await start({ backend: b, allowedHosts: ['keel-admin.internal'] });
    base = r.base;
    close = () => r.s.close();
  });
  after(() => close());
  const port = () => new URL(base).port;
  const json = { 'content-type': 'application/json' };

  it('answers only to its own host names: IP literals, localhost and admin.allowed_hosts', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, 'LOCALHOST'])
      assert.equal((await raw(base, '/api/v1/pools', { headers: { host } })).status, 200, host);
    const named = await raw(base, '/api/v1/pools', { headers: { host: `KEEL-ADMIN.internal:${port()}` } });
    assert.equal(named.status, 200);
  });

  it('a DNS-rebinding page (its own name in Host) is refused on reads and writes; probes still answer', async () => {
    const host = `rebind.example:${port()}`;
    const read = await raw(base, '/api/v1/config', { headers: { host } });
    assert.deepEqual(read, { status: 403, code: 'KEEL_ERR_ADMIN_HOST' });
    const before = b.reloads.length;
    const write = await raw(base, '/api/v1/reload', {
      method: 'POST',
      headers: { host, ...json },
      body: '{}',
    });
    assert.deepEqual(write, { status: 403, code: 'KEEL_ERR_ADMIN_HOST' });
    assert.equal(b.reloads.length, before);
    for (const bad of ['x.test/static', `127.0.0.1:${port()}/x`, '[::1', ''])
      assert.equal((await raw(base, '/api/v1/pools', { headers: { host: bad } })).status, 403, bad);
    assert.equal((await raw(base, '/healthz', { headers: { host } })).status, 200);
  });

  it('a mutation must declare application/json: a cross-site form (text/plain) never reaches the backend', async () => {
    const before = b.reloads.length;
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const r = await raw(base, '/api/v1/reload', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{}',
      });
      assert.deepEqual(r, { status: 415, code: 'KEEL_ERR_ADMIN_CONTENT_TYPE' }, type);
    }
    const none = await raw(base, '/api/v1/demo/upstreams/app-1/fault', {
      method: 'POST',
      body: '{"mode":"down"}',
    });
    assert.equal(none.status, 415);
    assert.equal(b.reloads.length, before);
    const ok = await raw(base, '/api/v1/reload', {
      method: 'POST',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      body: '{}',
    });
    assert.equal(ok.status, 200);
  });

  it('a mutation from another origin or site is refused; from the admin page itself it is served', async () => {
    const before = b.reloads.length;
    const refused: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${Number(port()) + 1}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: `http://127.0.0.1:${port()}`, 'sec-fetch-site': 'cross-site' },
    ];
    for (const h of refused) {
      const r = await raw(base, '/api/v1/reload', { method: 'POST', headers: { ...json, ...h }, body: '{}' });
      assert.deepEqual(r, { status: 403, code: 'KEEL_ERR_ADMIN_CROSS_SITE' }, JSON.stringify(h));
    }
    assert.equal(b.reloads.length, before);
    const same = await raw(base, '/api/v1/reload', {
      method: 'POST',
      headers: { ...json, origin: `http://127.0.0.1:${port()}`, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    assert.equal(same.status, 200);
    const typed = await raw(base, '/api/v1/reload', {
      method: 'POST',
      headers: { ...json, 'sec-fetch-site': 'none' },
    });
    assert.equal(typed.status, 200);
  });

  it('the 401 hint names the file a generated token lives in', async () => {
    const r = await start({ token: 'gen', tokenSource: () => '/run/keel/admin-9901.token' });
    try {
      const res = await call(`${r.base}/api/v1/reload`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 401);
      const fix = (res.json?.error as { fix?: string } | undefined)?.fix ?? '';
      assert.match(fix, /\/run\/keel\/admin-9901\.token/);
    } finally {
      await r.s.close();
    }
  });

  it('parses Host as RFC 3986 authority', () => {
    assert.equal(hostName('Example.COM:80'), 'example.com');
    assert.equal(hostName('[::1]:9901'), '::1');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
    for (const bad of ['', ':80', '[::1', '[::1]x', 'a:b', 'a:123456'])
      assert.equal(hostName(bad), null, bad);
  });
});
