/**
 * GET /metrics on a real gateway: real upstreams and sockets on port 0, traffic in, and the
 * scrape read back as text (what Prometheus would see).
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, describe, it } from 'node:test';
import { parse, scrape, startKeel, sum } from './metrics-util.js';
import { pool, send, upstreams, waitFor } from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('GET /metrics', () => {
  it('exposes RED per route, upstream tries with retries apart, pool state and process metrics', async () => {
    const ups = await upstreams(2);
    ups[0]!.handler = (req, res) => {
      req.resume();
      res.writeHead(503).end('busy');
    };
    const keel = await startKeel({
      pools: pool('web', ups, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
      routes: [{ name: 'api', match: { path_prefix: '/api' }, pool: 'web' }],
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    cleanup.push(async () => {
      agent.destroy();
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    for (let i = 0; i < 20; i++) assert.equal((await send(`${keel.url}/api/${i}`, { agent })).status, 200);
    assert.equal((await send(`${keel.url}/nowhere`, { agent })).status, 404);

    const r = await scrape(keel.admin);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const s = parse(r.text);
    const H = 'http_server_request_duration_seconds_count';
    assert.equal(sum(s, H, { http_route: 'api', keel_pool: 'web', http_response_status_code: '200' }), 20);
    assert.equal(sum(s, H, { http_route: 'unmatched', http_response_status_code: '404' }), 1);
    assert.equal(sum(s, 'keel_requests_in_flight'), 0);

    // Every request that met the busy host first was retried on the other: one extra try each.
    const C = 'http_client_request_duration_seconds_count';
    const busy = `127.0.0.1:${ups[0]!.port}`;
    const retries = sum(s, 'keel_retries_total', { pool: 'web', route: 'api', reason: 'status_503' });
    assert.ok(retries > 0, 'some requests met the busy host first');
    assert.equal(sum(s, C, { keel_pool: 'web', keel_try: 'retry' }), retries);
    assert.equal(sum(s, C, { keel_pool: 'web' }), 20 + retries);
    assert.equal(sum(s, C, { server_address: busy, http_response_status_code: '503' }), retries);

    assert.equal(sum(s, 'keel_pool_available_hosts', { pool: 'web' }), 2);
    assert.equal(sum(s, 'keel_pool_panic', { pool: 'web' }), 0);
    assert.equal(sum(s, 'keel_host_healthy', { pool: 'web' }), 2);
    assert.equal(sum(s, 'keel_config_info', { version: 'test-v1' }), 1);
    assert.equal(sum(s, 'keel_config_reloads_total', { result: 'ok', source: 'startup' }), 1);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_open_fds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_utilization',
    ])
      assert.ok(
        s.some((x) => x.name === name),
        `${name} is exposed`,
      );
  });

  it('counts a config reload and shows the new version', async () => {
    const ups = await upstreams(1);
    const raw = { pools: pool('web', ups), routes: [{ name: 'all', pool: 'web' }] };
    const keel = await startKeel(raw);
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    const listeners = [{ name: 'main', host: '127.0.0.1', port: 0 }];
    const ok = await keel.app.reload('api', { ...raw, listeners, admin: { port: 0 } });
    assert.equal(ok.ok, true);
    const bad = await keel.app.reload('api', { ...raw, listeners, routes: [{ pool: 'nope' }] });
    assert.equal(bad.ok, false);
    const s = parse((await scrape(keel.admin)).text);
    assert.equal(sum(s, 'keel_config_reloads_total', { result: 'ok', source: 'api' }), 1);
    assert.equal(sum(s, 'keel_config_reloads_total', { result: 'rejected', source: 'api' }), 1);
    assert.equal(sum(s, 'keel_config_info', { version: ok.ok ? ok.version : '' }), 1);
  });

  it('counts a request in flight while the upstream holds it', async () => {
    let release: () => void = () => undefined;
    const ups = await upstreams(1, (req, res) => {
      req.resume();
      release = () => res.writeHead(200).end('late');
    });
    const keel = await startKeel({ pools: pool('web', ups), routes: [{ name: 'slow', pool: 'web' }] });
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    const pending = send(`${keel.url}/hold`);
    await waitFor(() => ups[0]!.hits === 1, 'the upstream holds the request');
    const during = parse((await scrape(keel.admin)).text);
    assert.equal(sum(during, 'keel_requests_in_flight', { http_route: 'slow', keel_pool: 'web' }), 1);
    release();
    assert.equal((await pending).status, 200);
    const afterwards = parse((await scrape(keel.admin)).text);
    assert.equal(sum(afterwards, 'keel_requests_in_flight', { http_route: 'slow' }), 0);
  });

  it('is absent when telemetry.metrics.enabled is false', async () => {
    const ups = await upstreams(1);
    const keel = await startKeel({
      telemetry: { metrics: { enabled: false } },
      pools: pool('web', ups),
      routes: [{ name: 'all', pool: 'web' }],
    });
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    assert.equal((await scrape(keel.admin)).status, 404);
    assert.equal(keel.app.metrics, null);
  });
});
