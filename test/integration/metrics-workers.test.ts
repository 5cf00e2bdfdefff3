/**
 * `keel run --workers 2`: the primary's /metrics is the sum over the workers — every request
 * counted once, none missing — and stays whole when a worker is killed and restarted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { WorkersResponse } from '../../src/admin/api-types.js';
import { freePort, get, getJson, spawnKeel, waitFor, workersUp } from './control-util.js';
import { parse, scrape, sum } from './metrics-util.js';
import { upstreams } from './proxy-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-metrics-workers-'));
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const COUNT = 'http_server_request_duration_seconds_count';

async function sendN(url: string, n: number): Promise<void> {
  // A new connection per request (agent: false), so the cluster spreads them over both workers.
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => get(url)));
    assert.deepEqual(
      batch.filter((o) => o.status !== 200),
      [],
    );
  }
}

describe('/metrics with workers', () => {
  it('sums the workers exactly, and keeps the count whole across a worker restart', async () => {
    const ups = await upstreams(1);
    cleanup.push(() => Promise.all(ups.map((u) => u.close())).then(() => undefined));
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  app: { hosts: ["${ups[0]!.url}"] }\nroutes:\n  - { name: all, pool: app }\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
    cleanup.push(async () => {
      keel.child.kill('SIGKILL');
    });
    const admin = `http://127.0.0.1:${adminPort}`;
    const workers = await workersUp(admin, keel);

    const N = 200;
    await sendN(`http://127.0.0.1:${port}/x`, N);
    const first = parse((await scrape(admin)).text);
    assert.equal(sum(first, COUNT, { http_route: 'all' }), N);
    assert.equal(
      sum(first, 'keel_config_reloads_total', { source: 'startup' }),
      1,
      'counted once, not per worker',
    );
    assert.equal(sum(first, 'keel_config_info'), 1);
    assert.ok(sum(first, 'process_resident_memory_bytes') > 0);

    // Kill a worker; its counters (scraped above) must not vanish from the sum.
    const victim = workers.workers[0]!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(
      'the worker restarted',
      async () => {
        if (keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
        const w = await getJson<WorkersResponse>(`${admin}/api/v1/workers`);
        const slot = w?.workers.find((x) => x.id === victim.id);
        return slot && slot.pid !== victim.pid && slot.pools ? true : undefined;
      },
      20_000,
    );
    const M = 100;
    await sendN(`http://127.0.0.1:${port}/x`, M);
    const second = parse((await scrape(admin)).text);
    assert.equal(sum(second, COUNT, { http_route: 'all' }), N + M);

    keel.child.kill('SIGTERM');
    assert.deepEqual(await keel.exited, { code: 0, signal: null }, keel.output());
  });
});
