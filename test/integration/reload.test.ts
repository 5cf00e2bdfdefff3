/**
 * Hot reload (docs/operations.md, "Hot reload"; docs/lifecycles.md, "Config reload"): a bad config
 * is refused on reload while traffic continues, and a good one then reloads and changes the routes
 * — without a failed request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type App, startApp } from '../../src/app/app.js';
import { loadConfigFile } from '../../src/config/index.js';
import { DemoUpstream } from '../../src/demo/upstream.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, get, keepAliveAgent, loadLoop, waitFor } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-reload-'));
const path = join(dir, 'keel.yaml');
const blue = new DemoUpstream({ name: 'blue', port: 0 });
const green = new DemoUpstream({ name: 'green', port: 0 });
let app: App;

const configFor = (pool: 'blue' | 'green') => `
listeners: [{ host: 127.0.0.1, port: 0 }]
admin: { host: 127.0.0.1, port: 0 }
pools:
  blue: { hosts: ["${blue.url}"] }
  green: { hosts: ["${green.url}"] }
routes:
  - name: all
    match: { path_prefix: / }
    pool: ${pool}
`;

before(async () => {
  await blue.start();
  await green.start();
  writeFileSync(path, configFor('blue'));
  const loaded = loadConfigFile(path);
  assert.ok(loaded.ok, JSON.stringify(loaded));
  app = await startApp({
    config: loaded.config,
    version: loaded.version,
    configPath: path,
    logger: createLogger({ level: 'silent' }),
  });
});
after(async () => {
  await app?.shutdown('test done');
  await blue.close();
  await green.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hot reload', () => {
  it('refuses a bad config (422 with problems) while traffic continues, then applies a good one', async () => {
    const gw = `http://127.0.0.1:${app.listeners[0]!.port}/hello`;
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const agent = keepAliveAgent();
    const loop = loadLoop(gw, { concurrency: 4, agent });
    try {
      await waitFor('some traffic', () => (loop.outcomes.length >= 20 ? true : undefined));
      const before = (await (await fetch(`${admin}/api/v1/config`)).json()) as { version: string };

      writeFileSync(path, `${configFor('blue')}\n  - pool: nowhere\n`);
      const bad = await adminPost(admin, `/api/v1/reload`);
      assert.equal(bad.status, 422);
      const body = (await bad.json()) as {
        ok: boolean;
        problems: Array<{ path: string; code: string; message: string; hint: string }>;
      };
      assert.equal(body.ok, false);
      assert.ok(
        body.problems.some((p) => p.path === 'routes[1].pool'),
        JSON.stringify(body.problems),
      );
      const still = (await (await fetch(`${admin}/api/v1/config`)).json()) as { version: string };
      assert.equal(still.version, before.version, 'the last good config keeps serving');

      const n = loop.outcomes.length;
      await waitFor('traffic after the refused reload', () =>
        loop.outcomes.length >= n + 20 ? true : undefined,
      );

      writeFileSync(path, configFor('green'));
      const good = await adminPost(admin, `/api/v1/reload`);
      assert.equal(good.status, 200);
      const ok = (await good.json()) as { ok: boolean; version: string; changes: { routesChanged: boolean } };
      assert.equal(ok.ok, true);
      assert.notEqual(ok.version, before.version);
      assert.equal(ok.changes.routesChanged, true);
      await waitFor('answers from green', async () =>
        (await get(gw)).body.includes('"green"') ? true : undefined,
      );
    } finally {
      const outcomes = await loop.stop();
      agent.destroy();
      const failed = outcomes.filter((o) => o.status !== 200);
      assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} requests failed`);
    }
  });

  it('a new listener is opened by a reload; one whose port is taken refuses it (422 apply_failed)', async () => {
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busy = (taken.address() as { port: number }).port;
    try {
      const withListener = (port: number) =>
        configFor('blue').replace(
          'listeners: [{ host: 127.0.0.1, port: 0 }]',
          `listeners: [{ host: 127.0.0.1, port: 0 }, { name: extra, host: 127.0.0.1, port: ${port} }]`,
        );
      writeFileSync(path, withListener(busy));
      const refused = await adminPost(admin, `/api/v1/reload`);
      assert.equal(refused.status, 422);
      const body = (await refused.json()) as { problems: Array<{ code: string; message: string }> };
      assert.equal(body.problems[0]?.code, 'apply_failed');
      assert.match(body.problems[0]?.message ?? '', /EADDRINUSE/);
      assert.equal((await get(`http://127.0.0.1:${app.listeners[0]!.port}/hello`)).status, 200);

      await new Promise<void>((resolve) => taken.close(() => resolve()));
      writeFileSync(path, withListener(busy));
      const applied = await adminPost(admin, `/api/v1/reload`);
      assert.equal(applied.status, 200);
      const ok = (await applied.json()) as { changes: { listenersChanged: boolean } };
      assert.equal(ok.changes.listenersChanged, true);
      assert.deepEqual(
        app.gateway.addresses().map((a) => a.name),
        ['main', 'extra'],
      );
      assert.equal((await get(`http://127.0.0.1:${busy}/hello`)).status, 200);
    } finally {
      if (taken.listening) taken.close();
      writeFileSync(path, configFor('blue'));
      assert.equal((await app.reload('sighup')).ok, true);
    }
  });

  it('a posted JSON config is validated the same way', async () => {
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const res = await adminPost(admin, '/api/v1/reload', JSON.stringify({ routes: [{ pool: 'x' }] }));
    assert.equal(res.status, 422);
    const r = await app.reload('sighup');
    assert.equal(r.ok, true, 'SIGHUP path re-reads the (good) file');
  });
});

describe('where the serving config came from', () => {
  it('says "api" after a posted config is applied, and "file" again after the file is reloaded', async () => {
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    const source = async () =>
      ((await (await fetch(`${admin}/api/v1/config`)).json()) as { source: string }).source;
    assert.equal(await source(), 'file');
    const posted = {
      listeners: [{ host: '127.0.0.1', port: app.listeners[0]!.port }],
      admin: { host: '127.0.0.1', port: app.admin!.port },
      pools: { green: { hosts: [green.url] } },
      routes: [{ name: 'all', pool: 'green' }],
    };
    const res = await adminPost(admin, '/api/v1/reload', posted);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await source(), 'api');
    writeFileSync(path, configFor('blue'));
    assert.equal((await app.reload('sighup')).ok, true);
    assert.equal(await source(), 'file');
  });
});
