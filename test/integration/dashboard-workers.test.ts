/**
 * GET /api/v1/series under `keel run --workers 2` (docs/dashboard.md, "The series API"): the
 * primary asks both workers for their raw steps and sums them, so every request counts once
 * whichever worker served it; the dashboard page is served by the primary too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SeriesResponse } from '../../src/admin/api-types.js';
import { DemoUpstream } from '../../src/demo/upstream.js';
import { freePort, get, getJson, spawnKeel, waitFor, workersUp } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-dashboard-workers-'));
const upstream = new DemoUpstream({ name: 'a', port: 0 });
after(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('series under the supervisor', () => {
  it('sums both workers step by step', async () => {
    await upstream.start();
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  web: { hosts: ["${upstream.url}"] }\nroutes:\n  - { name: api, pool: web }\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
    const admin = `http://127.0.0.1:${adminPort}`;
    try {
      await workersUp(admin);
      // New connections each time: cluster hands them round-robin, so both workers serve some.
      for (let i = 0; i < 20; i++) assert.equal((await get(`http://127.0.0.1:${port}/x`)).status, 200);
      const total = (r: SeriesResponse | undefined) =>
        (r?.routes.api?.rps ?? []).reduce((a, b) => a + b, 0) * (r?.step_seconds ?? 0);
      const s = await waitFor(
        'all 20 requests in the series',
        async () => {
          const r = await getJson<SeriesResponse>(`${admin}/api/v1/series?minutes=1`);
          return total(r) === 20 ? r : undefined;
        },
        10_000,
      );
      const pool = (s.pools.web?.rps ?? []).reduce((a, b) => a + b, 0) * s.step_seconds;
      assert.equal(pool, 20, 'pool web');
      assert.equal((await fetch(`${admin}/`)).status, 200);
    } finally {
      keel.child.kill('SIGTERM');
      await keel.exited;
    }
  });
});
