import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReadyBody } from './api-types.js';
import { isLoopback } from './auth.js';
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

async function start(opts: { token?: string | null; backend?: AdminBackend; host?: string }) {
  const s = createAdminServer({
    host: opts.host ?? '127.0.0.1',
    port: 0,
    token: opts.token ?? null,
    backend: opts.backend ?? backend(),
  });
  const a = await s.listen();
  return { s, base: `http://127.0.0.1:${a.port}` };
}

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
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
