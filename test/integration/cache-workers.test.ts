/**
 * `keel run --workers 2`: each worker has its own memory tier, so a purge on the primary's admin
 * API must reach every worker (docs/caching.md "Purging").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Origin } from './cache-util.js';
import { freePort, get, spawnKeel, workersUp } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-cache-workers-'));
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('cache purge with workers', () => {
  it('reaches the memory tier of every worker', async () => {
    const origin = await new Origin().listen();
    origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'cached' };
    cleanup.push(() => origin.close());
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort}, token: t0ken }\n` +
        `pools:\n  app: { hosts: ["${origin.url}"] }\nroutes:\n  - { name: all, pool: app, cache: {} }\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
    cleanup.push(async () => {
      keel.child.kill('SIGKILL');
    });
    const admin = `http://127.0.0.1:${adminPort}`;
    await workersUp(admin, keel);
    const url = `http://127.0.0.1:${port}/page`;
    // A new connection per request: the cluster hands them to both workers in turn.
    const fill = async (hits: number): Promise<void> => {
      for (let i = 0; i < 100 && origin.hits < hits; i++) assert.equal((await get(url)).status, 200);
      assert.equal(origin.hits, hits, 'each worker missed once');
      for (let i = 0; i < 20; i++) assert.equal((await get(url)).body, 'cached');
      assert.equal(origin.hits, hits, 'then both answer from their own memory');
    };
    await fill(2);
    const res = await fetch(`${admin}/api/v1/cache/purge`, {
      method: 'POST',
      headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
      body: JSON.stringify({ url: `127.0.0.1:${port}/page` }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { purged: 1 });
    await fill(4);
  });
});
