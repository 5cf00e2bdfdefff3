/**
 * `keel run --workers 2`: a worker killed with SIGKILL is restarted by the supervisor, traffic
 * keeps flowing, and the primary's admin API answers with both workers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PoolView, WorkersResponse } from '../../src/admin/api-types.js';
import { DemoUpstream } from '../../src/demo/upstream.js';
import { adminPost, freePort, getJson, loadLoop, spawnKeel, waitFor, workersUp } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-supervisor-'));
const upstreams = [new DemoUpstream({ name: 'a', port: 0 }), new DemoUpstream({ name: 'b', port: 0 })];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('supervisor', () => {
  it('restarts a killed worker; requests keep succeeding; /api/v1/pools and /api/v1/workers answer', async () => {
    await Promise.all(upstreams.map((u) => u.start()));
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  app: { hosts: [${upstreams.map((u) => `"${u.url}"`).join(', ')}] }\nroutes:\n  - pool: app\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2', '--heap-growth', '150']);
    const admin = `http://127.0.0.1:${adminPort}`;
    try {
      const first = await workersUp(admin);
      const loop = loadLoop(`http://127.0.0.1:${port}/x`, { concurrency: 4 });
      await waitFor('load', () => (loop.outcomes.length >= 20 ? true : undefined));
      const victim = first.workers[0]!;
      process.kill(victim.pid, 'SIGKILL');
      const restarted = await waitFor('the worker restarted', async () => {
        if (keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
        const w = await getJson<WorkersResponse>(`${admin}/api/v1/workers`);
        const slot = w?.workers.find((x) => x.id === victim.id);
        return slot && slot.pid !== victim.pid && slot.restarts >= 1 && slot.pools ? w : undefined;
      });
      const restartedAt = Date.now();
      const n = loop.outcomes.length;
      await waitFor('load after the restart', () => (loop.outcomes.length >= n + 40 ? true : undefined));
      const outcomes = await loop.stop();
      // Only requests in flight on the killed worker at the instant of SIGKILL may fail: at most one per loop.
      const failed = outcomes.filter((o) => o.status !== 200);
      assert.ok(failed.length <= 4, `${failed.length} failed: ${JSON.stringify(failed.slice(0, 5))}`);
      const late = outcomes.filter((o) => o.startedAt >= restartedAt);
      assert.ok(late.length >= 40);
      assert.deepEqual(
        late.filter((o) => o.status !== 200),
        [],
        'every request after the restart succeeds',
      );

      assert.equal(restarted.workers.length, 2);
      const pools = await getJson<PoolView[]>(`${admin}/api/v1/pools`);
      assert.equal(pools?.[0]?.name, 'app');
      assert.equal(pools?.[0]?.hosts.length, 2);
      assert.match(keel.output(), /worker 1 died/);
      assert.match(keel.output(), /"event":"started".*"heap_growth_percent":150/);

      // Reload: the primary validates first; a bad file touches no worker.
      writeFileSync(path, `${readFileSync(path, 'utf8')}  - pool: nowhere\n`);
      assert.equal((await adminPost(admin, `/api/v1/reload`)).status, 422);
      writeFileSync(
        path,
        `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\npools:\n  app: { hosts: ["${upstreams[0]!.url}"] }\nroutes:\n  - pool: app\n`,
      );
      const ok = await adminPost(admin, `/api/v1/reload`);
      assert.equal(ok.status, 200);
      const after = await getJson<PoolView[]>(`${admin}/api/v1/pools`);
      assert.equal(after?.[0]?.hosts.length, 1, 'every worker applied the new config');

      keel.child.kill('SIGTERM');
      assert.deepEqual(await keel.exited, { code: 0, signal: null }, keel.output());
    } finally {
      keel.child.kill('SIGKILL');
    }
  });
});
