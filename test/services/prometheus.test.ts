/**
 * Real components (docs/metrics.md): a real Prometheus (Debian package `prometheus`, on loopback,
 * our own process with a temporary TSDB) scrapes Keel's admin server every second; a RED series is
 * then read back through Prometheus's HTTP API, as a dashboard or an alert rule would.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, waitFor } from '../integration/control-util.js';
import { startKeel } from '../integration/metrics-util.js';
import { pool, send, upstreams } from '../integration/proxy-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-prometheus-'));
let prom: ChildProcess | null = null;
let promLog = '';
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  if (prom?.pid !== undefined && prom.exitCode === null) {
    const exited = new Promise((resolve) => prom!.once('exit', resolve));
    process.kill(prom.pid, 'SIGTERM');
    await exited;
  }
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

interface Vector {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function query(base: string, q: string): Promise<Vector | undefined> {
  try {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
    return res.ok ? ((await res.json()) as Vector) : undefined;
  } catch {
    return undefined;
  }
}

describe('Prometheus scrapes Keel', () => {
  it('reads the request count back through the Prometheus HTTP API', async () => {
    const ups = await upstreams(1);
    const keel = await startKeel({ pools: pool('web', ups), routes: [{ name: 'api', pool: 'web' }] });
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    const port = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\n` +
        `scrape_configs:\n  - job_name: keel\n    static_configs:\n` +
        `      - targets: ["${keel.admin.replace('http://', '')}"]\n`,
    );
    prom = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout?.on('data', (c: Buffer) => {
      promLog += c.toString();
    });
    prom.stderr?.on('data', (c: Buffer) => {
      promLog += c.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'Prometheus to scrape Keel (up == 1)',
      async () => {
        if (prom?.exitCode !== null) throw new Error(`prometheus exited:\n${promLog}`);
        const v = await query(base, 'up{job="keel"}');
        return v?.data.result[0]?.value[1] === '1' ? true : undefined;
      },
      30_000,
    );

    const N = 25;
    for (let i = 0; i < N; i++) assert.equal((await send(`${keel.url}/x${i}`)).status, 200);
    const q =
      'sum(http_server_request_duration_seconds_count{http_route="api",http_response_status_code="200"})';
    const v = await waitFor(
      `Prometheus to see ${N} requests`,
      async () => {
        const r = await query(base, q);
        return r?.data.result[0]?.value[1] === String(N) ? r : undefined;
      },
      30_000,
    );
    assert.equal(v.status, 'success');
  });
});
