/**
 * Health endpoints and the access log (docs/observability.md) on a real gateway: /readyz follows
 * the pools' live state (active health checks mark a killed upstream), an optional pool only warns,
 * draining fails; the access log writes one line per proxied request through the app's logger.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ReadyBody } from '../../src/admin/api-types.js';
import { type App, startApp } from '../../src/app/app.js';
import { validateConfig } from '../../src/config/index.js';
import { DemoUpstream } from '../../src/demo/upstream.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { waitFor } from './control-util.js';

const web = new DemoUpstream({ name: 'web-1', port: 0 });
const recs = new DemoUpstream({ name: 'recs-1', port: 0 });
const lines: Array<Record<string, unknown>> = [];
const destination = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
    cb();
  },
});
let app: App;
let admin: string;
let gateway: string;

// Active checks fast enough that a killed upstream is marked within half a second (a refused
// connection fails at once, whatever the timeout), but not so tight that one probe delayed by a
// busy machine marks a live host down: that made "all pools up" read 503 under a loaded full run.
const health = {
  active: { interval: '200ms', timeout: '200ms', healthy_threshold: 1, unhealthy_threshold: 2 },
};

before(async () => {
  await web.start();
  await recs.start();
  const loaded = validateConfig({
    listeners: [{ port: 0 }],
    admin: { port: 0 },
    pools: {
      web: { hosts: [web.url], health },
      recs: { hosts: [recs.url], health, optional: true },
    },
    routes: [
      { name: 'recs', match: { path_prefix: '/recs' }, pool: 'recs' },
      { name: 'all', pool: 'web' },
    ],
  });
  assert.ok(loaded.ok, JSON.stringify(loaded));
  app = await startApp({
    config: loaded.config,
    version: loaded.version,
    logger: createLogger({ destination, base: {} }),
  });
  admin = `http://127.0.0.1:${app.admin!.port}`;
  gateway = `http://127.0.0.1:${app.listeners[0]!.port}`;
});
after(async () => {
  await app?.shutdown('test').catch(() => undefined);
  await web.close();
  await recs.close();
});

async function readyz(): Promise<{ status: number; type: string | null; body: ReadyBody }> {
  const res = await fetch(`${admin}/readyz`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as ReadyBody };
}

/** Polls /readyz (deadline) until it reports `want`; active checks take a few rounds. */
function readyzUntil(want: ReadyBody['status']) {
  return waitFor(`readyz ${want}`, async () => {
    const r = await readyz();
    return r.body.status === want ? r : undefined;
  });
}

describe('/healthz and /readyz on a real gateway', () => {
  it('liveness: 200 {"status":"pass"} as application/health+json', async () => {
    const res = await fetch(`${admin}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/health+json');
    assert.deepEqual(await res.json(), { status: 'pass' });
  });

  it('all pools up: 200 pass, a check per pool with its available hosts', async () => {
    const r = await readyz();
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/health+json');
    assert.equal(r.body.status, 'pass');
    assert.equal(r.body.releaseId, app.backend.config().version);
    assert.match(r.body.version, /^\d+\.\d+\.\d+/);
    const pool = r.body.checks['pool:web']?.[0];
    assert.equal(pool?.componentType, 'pool');
    assert.equal(pool?.observedValue, 1);
    assert.equal(pool?.observedUnit, 'hosts');
    assert.equal(r.body.checks['config:loaded']?.[0]?.status, 'pass');
    assert.equal(r.body.checks['gateway:draining']?.[0]?.status, 'pass');
  });

  it('access log: one JSON line per proxied request, through the app logger', async () => {
    const res = await fetch(`${gateway}/recs/top?x=1`, { headers: { 'x-request-id': 'health-test-1' } });
    await res.text();
    const line = await waitFor('access line', () => lines.find((l) => l.request_id === 'health-test-1'));
    assert.equal(line.type, 'access');
    assert.equal(line.level, 'info');
    assert.equal(line.method, 'GET');
    assert.equal(line.path, '/recs/top');
    assert.equal(line.route, 'recs');
    assert.equal(line.pool, 'recs');
    assert.equal(line.status, 200);
    assert.equal(line.upstream, new URL(recs.url).host); // the host's name: host:port by default
    assert.equal(typeof line.duration_ms, 'number');
    assert.equal(line.tries, 1);
  });

  it('optional pool down: 200 warn, its check warns', async () => {
    await recs.setFault({ mode: 'down', latency_ms: 0, error_rate: 0 });
    const r = await readyzUntil('warn');
    assert.equal(r.status, 200);
    assert.equal(r.body.checks['pool:recs']?.[0]?.status, 'warn');
    assert.equal(r.body.checks['pool:recs']?.[0]?.observedValue, 0);
    assert.equal(r.body.checks['pool:web']?.[0]?.status, 'pass');
  });

  it('required pool down (its only upstream killed): 503 fail, the pool check failing', async () => {
    await web.setFault({ mode: 'down', latency_ms: 0, error_rate: 0 });
    const r = await readyzUntil('fail');
    assert.equal(r.status, 503);
    assert.equal(r.body.checks['pool:web']?.[0]?.status, 'fail');
    assert.equal(r.body.checks['pool:web']?.[0]?.output, '0/1 hosts available');
  });

  it('draining: 503 fail with gateway:draining failing, while requests finish', async () => {
    await web.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
    await recs.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
    await readyzUntil('pass');
    // A slow request keeps the drain (and so the admin server) open while we ask.
    await web.setFault({ mode: 'slow', latency_ms: 600, error_rate: 0 });
    const inFlight = fetch(`${gateway}/slow`).then((r) => r.status);
    await waitFor('request in flight', () => app.gateway.pools().some((p) => p.in_flight > 0));
    const shutdown = app.shutdown('test drain');
    const r = await readyz();
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'fail');
    assert.equal(r.body.checks['gateway:draining']?.[0]?.status, 'fail');
    assert.equal(r.body.checks['gateway:draining']?.[0]?.observedValue, true);
    assert.equal(await inFlight, 200);
    assert.equal((await shutdown).drained, true);
  });
});
