/**
 * The handoff report end to end (docs/handoff.md): a real gateway in front of three real
 * upstreams. Healthy → one upstream killed under traffic → degraded, with the ejection or breaker
 * change in recent_changes → all killed → critical; `keel handoff --admin URL` prints the report;
 * `keel run --workers 2` answers /handoff merged from both workers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import { type App, startApp } from '../../src/app/app.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { freePort, getJson, loadLoop, spawnKeel, waitFor } from './control-util.js';
import { makeConfig, pool, type Upstream, upstreams } from './proxy-util.js';

const KEYS = [
  'active_incidents',
  'current_load',
  'details',
  'recent_changes',
  'scaling_headroom',
  'system_health',
];

let ups: Upstream[];
let app: App;
let admin: string;
let gateway: string;
before(async () => {
  ups = await upstreams(3);
  const config = makeConfig({
    admin: { host: '127.0.0.1', port: 0 },
    pools: pool('app', ups, {
      balancer: { algorithm: 'round_robin' },
      breaker: { consecutive_failures: 3, open_timeout: 60_000, max_open_timeout: 60_000 },
    }),
    routes: [{ name: 'all', pool: 'app' }],
  });
  app = await startApp({ config, version: 'v1', logger: createLogger({ level: 'silent' }) });
  admin = `http://127.0.0.1:${app.admin!.port}`;
  gateway = `http://127.0.0.1:${app.listeners[0]!.port}`;
});
after(async () => {
  await app?.shutdown('test done');
  await Promise.all(ups.map((u) => u.close()));
});

const handoff = () => getJson<HandoffReport>(`${admin}/handoff`);

/** Polls /handoff under a little traffic until `pred` holds (the traffic makes failures visible). */
async function until<T>(what: string, pred: (r: HandoffReport) => T | undefined): Promise<T> {
  const loop = loadLoop(`${gateway}/x`, { concurrency: 2 });
  try {
    return await waitFor(what, async () => {
      const r = await handoff();
      return r ? pred(r) : undefined;
    });
  } finally {
    await loop.stop();
  }
}

describe('GET /handoff and keel handoff', () => {
  it('healthy: exactly the five keys + details, JSON content type, the startup reload listed', async () => {
    const res = await fetch(`${admin}/handoff`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys((await res.json()) as object).sort(), KEYS);
    // Booting is CPU-heavy: healthy once the boot has slid out of the 10 s load window.
    const r = await waitFor(
      'healthy',
      async () => {
        const x = await handoff();
        return x?.system_health === 'healthy' ? x : undefined;
      },
      20_000,
    );
    assert.equal(r.active_incidents, 0);
    assert.match(r.current_load, /^\d+%$/);
    assert.match(r.scaling_headroom, /^\d+%$/);
    assert.equal(r.details.config_version, 'v1');
    assert.ok(r.recent_changes.some((c) => c.type === 'config.reload' && /startup/.test(c.reason)));
  });

  it('one upstream killed under traffic → degraded, with an ejection or breaker change', async () => {
    ups[1]!.kill();
    const victim = new URL(ups[1]!.url).host; // hosts are named by host:port when the config gives no name
    const r = await until('degraded with a change about the killed host', (x) => {
      const p = x.details.pools[0]!;
      const out = p.ejected.includes(victim) || p.breakers_open.includes(victim);
      const change = x.recent_changes.find(
        (c) => (c.type === 'host.ejected' || c.type === 'breaker.transition') && c.host === victim,
      );
      return out && change ? x : undefined;
    });
    assert.equal(r.system_health, 'degraded');
    assert.ok(
      r.details.health_reasons.some((why) => why.includes(`app/${victim}`)),
      r.details.health_reasons.join('; '),
    );
    assert.deepEqual(Object.keys(r).sort(), KEYS);
    assert.ok(r.recent_changes.every((c) => !Number.isNaN(Date.parse(c.time))));
    assert.ok(r.details.traffic && r.details.traffic.requests > 0);
  });

  it('all upstreams killed → critical', async () => {
    ups[0]!.kill();
    ups[2]!.kill();
    const r = await until('critical', (x) => (x.system_health === 'critical' ? x : undefined));
    assert.ok(r.active_incidents >= 1);
    assert.ok(r.details.incidents.some((i) => i.kind === 'pool_panic' || i.kind === 'pool_down'));
  });

  it('`keel handoff --admin URL` prints the JSON; an unreachable admin is exit 1', async () => {
    const ok = spawnKeel(['handoff', '--admin', admin]);
    const done = await ok.exited;
    assert.equal(done.code, 0, ok.output());
    const printed = JSON.parse(ok.output()) as HandoffReport;
    assert.deepEqual(Object.keys(printed).sort(), KEYS);
    assert.equal(printed.system_health, 'critical');

    const bad = spawnKeel(['handoff', '--admin', `http://127.0.0.1:${await freePort()}`]);
    assert.equal((await bad.exited).code, 1);
    assert.match(bad.output(), /cannot reach the admin API/);
  });
});

describe('GET /handoff under `keel run --workers 2`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-handoff-'));
  let live: Upstream[] = [];
  after(async () => {
    await Promise.all(live.map((u) => u.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges both workers: traffic summed, two workers, five keys', async () => {
    live = await upstreams(2);
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  app: { hosts: [${live.map((u) => `"${u.url}"`).join(', ')}] }\nroutes:\n  - pool: app\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
    const url = `http://127.0.0.1:${adminPort}/handoff`;
    try {
      await waitFor(
        'two workers in the report',
        async () => {
          if (keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
          const r = await getJson<HandoffReport>(url);
          return r?.details.workers === 2 ? r : undefined;
        },
        15_000,
      );
      const loop = loadLoop(`http://127.0.0.1:${port}/x`, { concurrency: 4 });
      await waitFor('40 answers', () => (loop.outcomes.length >= 40 ? true : undefined));
      const sent = (await loop.stop()).length;
      // The load loop can drive a worker's CPU past the scaling threshold (a true "degraded"
      // on a busy machine); once it stops, the load window drains and the report is healthy.
      let reasons: string[] = [];
      const r = await waitFor('all traffic counted', async () => {
        const x = await getJson<HandoffReport>(url);
        return x && x.details.traffic?.requests === sent ? x : undefined;
      });
      assert.deepEqual(Object.keys(r).sort(), KEYS);
      await waitFor(
        'healthy once the load has stopped',
        async () => {
          const x = await getJson<HandoffReport>(url);
          reasons = x?.details.health_reasons ?? reasons;
          return x?.system_health === 'healthy' ? true : undefined;
        },
        25_000,
      ).catch((e: Error) => assert.fail(`${e.message}: ${reasons.join('; ')}`));
      assert.equal(r.recent_changes.filter((c) => c.type === 'config.reload').length, 1);
    } finally {
      keel.child.kill('SIGTERM');
      await keel.exited;
    }
  });
});
