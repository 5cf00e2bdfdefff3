import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReadyBody } from '../admin/api-types.js';
import { validateConfig } from '../config/index.js';
import { EventBus } from '../core/events.js';
import { DemoUpstream } from '../demo/upstream.js';
import { createLogger } from '../telemetry/logging.js';
import { type App, startApp } from './app.js';

const up = new DemoUpstream({ name: 'one', port: 0 });
const bus = new EventBus();
const reloads: boolean[] = [];
let app: App;

before(async () => {
  await up.start();
  const loaded = validateConfig({
    listeners: [{ port: 0 }],
    admin: { port: 0, token: 'tok' },
    pools: { web: { hosts: [up.url] } },
    routes: [{ name: 'all', pool: 'web' }],
  });
  assert.ok(loaded.ok);
  bus.on('config.reload', (e) => reloads.push(e.ok));
  app = await startApp({
    config: loaded.config,
    version: loaded.version,
    bus,
    logger: createLogger({ level: 'silent' }),
  });
});
after(async () => {
  await app.shutdown('test');
  await up.close();
});

describe('startApp', () => {
  it('wires gateway, admin and events: startup publishes a config.reload', async () => {
    assert.deepEqual(reloads, [true]);
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const routes = (await (await fetch(`${admin}/api/v1/routes`)).json()) as Array<{
      name: string;
      pool: string;
    }>;
    assert.deepEqual(
      routes.map((r) => [r.name, r.pool]),
      [['all', 'web']],
    );
    const ready = (await (await fetch(`${admin}/readyz`)).json()) as ReadyBody;
    assert.equal(ready.status, 'pass');
    assert.equal(ready.checks['pool:web']?.[0]?.observedValue, 1);
    const r = await fetch(`http://127.0.0.1:${app.listeners[0]!.port}/x`);
    assert.equal(r.status, 200);
  });

  it('closes its parts in reverse build order: listeners first, span export last', () => {
    assert.deepEqual(app.closingOrder(), [
      'listeners',
      'admin',
      'slo',
      'logs',
      'series',
      'access-log',
      'handoff',
      'metrics',
      'tracing',
    ]);
  });

  it('reload without a config file or body is refused (422) and keeps serving', async () => {
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const unauth = await fetch(`${admin}/api/v1/reload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(unauth.status, 401);
    const res = await fetch(`${admin}/api/v1/reload`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { problems: Array<{ code: string }> };
    assert.equal(body.problems[0]?.code, 'no_config_file');
    assert.deepEqual(reloads, [true, false]);
    assert.equal((await fetch(`http://127.0.0.1:${app.listeners[0]!.port}/x`)).status, 200);
  });

  it('a posted valid config is applied, with the changes', async () => {
    const res = await app.reload('api', {
      listeners: [{ port: app.listeners[0]!.port }],
      admin: { port: app.admin!.port, token: 'tok' },
      pools: { web: { hosts: [up.url] }, other: { hosts: [up.url] } },
      routes: [
        { name: 'other', match: { path_prefix: '/other' }, pool: 'other' },
        { name: 'all', pool: 'web' },
      ],
    });
    assert.equal(res.ok, true, JSON.stringify(res));
    if (res.ok) assert.deepEqual(res.changes?.pools.added, ['other']);
    assert.equal(app.gateway.routes().length, 2);
  });
});
