/**
 * The SLO runtime end to end (docs/slo-runtime.md): a real gateway and upstreams, an availability
 * SLO driven past its budget with 50% 500s; the engine's clock is injected and evaluations are
 * run directly (no waiting on the timer). Checks /api/v1/slos, the page alert on the bus, the
 * handoff report, stop_retries (upstream hits), freeze_reloads (409 unless ?fix=true),
 * `keel slo status`, and that a restart on the same state file keeps the history; then under
 * `keel run --workers 2`: the primary merges both workers' counts and the alert fires once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import type { SlosResponse } from '../../src/admin/slo-route.js';
import { type App, startApp } from '../../src/app/app.js';
import { ManualClock } from '../../src/core/clock.js';
import type { SloAlertEvent } from '../../src/core/events.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, freePort, get, getJson, spawnKeel, waitFor } from './control-util.js';
import { makeConfig, pool, type Upstream, upstreams } from './proxy-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-slo-it-'));
const stateFile = join(dir, 'slo.sqlite');
const clock = new ManualClock(Date.now());
let ups: Upstream[];
let app: App;
let admin: string;
let gateway: string;
const alerts: SloAlertEvent[] = [];

const raw = (u: Upstream[]) => ({
  // Both on port 0: the reload test posts this config again, and an address left out would fall
  // back to the default port 8080 (admin: 9901), which anything may hold.
  listeners: [{ name: 'main', host: '127.0.0.1', port: 0 }],
  admin: { host: '127.0.0.1', port: 0 },
  pools: pool('app', u, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
  routes: [
    { name: 'batch', pool: 'app', match: { path_prefix: '/batch' } },
    { name: 'api', pool: 'app', retry: { on: { statuses: [503] } } },
  ],
  slos: [
    {
      name: 'api-availability',
      routes: ['api'],
      kind: 'availability',
      objective: 99.9,
      alerting: { runbook_url: 'https://runbooks.example/api' },
      policy: { stop_retries: true, freeze_reloads: true },
    },
    {
      name: 'batch-availability',
      routes: ['batch'],
      kind: 'availability',
      objective: 99,
      alerting: { enabled: false },
      policy: { shed_share: 0.5 },
    },
  ],
  alerts: { state_file: stateFile, evaluation_interval: 3_600_000 },
});

async function start(): Promise<App> {
  const a = await startApp({
    config: makeConfig(raw(ups)),
    version: 'v1',
    logger: createLogger({ level: 'silent' }),
    sloClock: clock,
  });
  admin = `http://127.0.0.1:${a.admin!.port}`;
  gateway = `http://127.0.0.1:${a.listeners[0]!.port}`;
  return a;
}

const slos = async () => (await (await fetch(`${admin}/api/v1/slos`)).json()) as SlosResponse;
const hits = () => ups.reduce((n, u) => n + u.hits, 0);

before(async () => {
  // /bad answers 500 (bad, not retried), /busy 503 (retryable), anything else 200.
  ups = await upstreams(2, (req, res) => {
    req.resume();
    const status = req.url?.endsWith('/bad') ? 500 : req.url === '/busy' ? 503 : 200;
    res.writeHead(status).end();
  });
  app = await start();
  app.bus.on('slo.alert', (e) => alerts.push(e));
});
after(async () => {
  await app?.shutdown('test done');
  await Promise.all(ups.map((u) => u.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('SLO runtime', () => {
  it('retries a 503 while the budget is intact', async () => {
    const before = hits();
    assert.equal((await fetch(`${gateway}/busy`)).status, 503);
    assert.ok(hits() - before >= 2, 'the 503 was retried');
  });

  it('computes SLI, budget and burn from real traffic, and fires a page alert', async () => {
    for (let i = 0; i < 200; i++) {
      const path = i % 2 === 0 ? 'bad' : 'ok';
      await (await fetch(`${gateway}/${path}`)).arrayBuffer();
      await (await fetch(`${gateway}/batch/${path}`)).arrayBuffer();
    }
    await app.slo.tick();
    const s = (await slos()).slos[0]!;
    assert.equal(s.name, 'api-availability');
    assert.ok(s.events.total >= 200, `total ${s.events.total}`);
    assert.ok(s.sli !== null && s.sli < 60 && s.sli > 40, `sli ${s.sli}`);
    assert.ok(s.budget.remaining !== null && s.budget.remaining < 0, 'the budget is spent');
    // The burn-down over the window, from the server: it ends at the budget left now.
    assert.equal(s.budget_history.length, 61);
    assert.equal(s.budget_history.at(-1)?.remaining, s.budget.remaining);
    assert.ok((s.burn_rates['1h'] ?? 0) > 14.4, `burn 1h ${s.burn_rates['1h']}`);
    const page = alerts.find((a) => a.tier === 'page-fast' && a.state === 'firing');
    assert.ok(page, 'page-fast fired on the bus');
    assert.equal(page.runbookUrl, 'https://runbooks.example/api');
    assert.ok(s.alerts.some((a) => a.tier === 'page-fast' && a.firing));
  });

  it('counts each firing alert once in the handoff report, and shows the policy actions', async () => {
    const r = (await (await fetch(`${admin}/handoff`)).json()) as HandoffReport;
    assert.equal(r.system_health, 'critical');
    // batch-availability does not alert (alerting.enabled false); its spent budget still counts.
    const firing = (await slos()).slos.flatMap((s) =>
      s.alerts.filter((a) => a.firing && s.name === 'api-availability'),
    );
    const alertIncidents = r.details.incidents.filter((i) => i.kind === 'alert');
    assert.equal(alertIncidents.length, firing.length + 2, 'each firing tier, plus each spent budget');
    assert.ok(alertIncidents.some((i) => i.alert === 'api-availability:budget_spent'));
    const actions = r.details.policy_actions.map((a) => a.action).sort();
    assert.deepEqual(actions, ['freeze_reloads', 'shed_share', 'stop_retries']);
  });

  it('sheds the configured share of the SLO routes (shed_share)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${gateway}/batch/ok`);
      await res.arrayBuffer();
      codes.push(res.status === 503 ? (res.headers.get('x-keel-error') ?? '?') : String(res.status));
    }
    assert.ok(codes.includes('KEEL_ERR_SHED_BUDGET_POLICY'), 'some requests were shed');
    assert.ok(codes.includes('200'), 'the others passed');
  });

  it('stops retrying the SLO routes (stop_retries)', async () => {
    const before = hits();
    assert.equal((await fetch(`${gateway}/busy`)).status, 503);
    assert.equal(hits() - before, 1, 'no retry while a page alert fires');
  });

  it('refuses a reload not marked as a fix with 409, and lets a fix through (freeze_reloads)', async () => {
    const body = JSON.stringify(raw(ups));
    const post = (q: string) => adminPost(admin, `/api/v1/reload${q}`, body);
    const frozen = await post('');
    assert.equal(frozen.status, 409);
    const problem = ((await frozen.json()) as { problems: Array<{ code: string }> }).problems[0]!;
    assert.equal(problem.code, 'reload_frozen');
    assert.equal((await post('?fix=true')).status, 200);
  });

  // Asynchronous: the admin server answering the CLI runs in this very process.
  const keel = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), ...args], {
      encoding: 'utf8',
    });

  it('`keel slo status` prints a table and --json', async () => {
    const { stdout: table } = await keel('slo', 'status', '--admin', admin);
    assert.match(table, /^SLO\s+KIND\s+OBJECTIVE\s+SLI\s+BUDGET LEFT/);
    assert.match(table, /api-availability\s+availability\s+99\.9% \/ 30d/);
    assert.match(table, /page-fast \(critical\)/);
    assert.match(table, /policy stop_retries on api/);
    const json = JSON.parse((await keel('slo', 'status', '--admin', admin, '--json')).stdout) as SlosResponse;
    assert.equal(json.slos[0]!.name, 'api-availability');
  });

  it('`keel slo status` exits 1 when the admin API cannot be reached', async () => {
    await assert.rejects(
      keel('slo', 'status', '--admin', 'http://127.0.0.1:1'),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /cannot reach the admin API/);
        return true;
      },
    );
  });

  it('keeps the history and the budget across a restart on the same state file', async () => {
    const total = (await slos()).slos[0]!.events.total;
    await app.shutdown('restart');
    app = await start();
    const s = (await slos()).slos[0]!;
    assert.equal(s.events.total, total);
    assert.ok(s.budget.remaining !== null && s.budget.remaining < 0);
  });
});

describe('SLOs under `keel run --workers 2`', () => {
  const dir2 = mkdtempSync(join(tmpdir(), 'keel-slo-workers-'));
  let live: Upstream[] = [];
  after(async () => {
    await Promise.all(live.map((u) => u.close()));
    rmSync(dir2, { recursive: true, force: true });
  });

  it('merges every worker into the primary engine, which alerts once and persists', async () => {
    live = await upstreams(2, (req, res) => {
      req.resume();
      res.writeHead(req.url === '/bad' ? 500 : 200).end();
    });
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir2, 'keel.yaml');
    const state = join(dir2, 'state', 'slo.sqlite');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  app: { hosts: [${live.map((u) => `"${u.url}"`).join(', ')}], health: { outlier: { enabled: false } }, breaker: { enabled: false } }\n` +
        'routes:\n  - { name: api, pool: app, retry: { enabled: false } }\n' +
        'slos:\n  - { name: api, kind: availability, objective: 99.9, alerting: { runbook_url: "https://runbooks.example/api" } }\n' +
        `alerts: { evaluation_interval: 1s, state_file: "${state}" }\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    try {
      await waitFor(
        'the admin API',
        async () => {
          if (keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
          return getJson<SlosResponse>(`${adminUrl}/api/v1/slos`);
        },
        15_000,
      );
      // A new connection per request: node:cluster spreads them over both workers.
      for (let i = 0; i < 200; i++) await get(`http://127.0.0.1:${port}/${i % 2 === 0 ? 'bad' : 'ok'}`);
      const s = await waitFor('all 200 counted and page-fast firing', async () => {
        const r = await getJson<SlosResponse>(`${adminUrl}/api/v1/slos`);
        const x = r?.slos[0];
        return x && x.events.total === 200 && x.alerts.some((a) => a.tier === 'page-fast' && a.firing)
          ? x
          : undefined;
      });
      assert.equal(s.events.good, 100);
      const report = await getJson<HandoffReport>(`${adminUrl}/handoff`);
      const names = report!.details.incidents.filter((i) => i.kind === 'alert').map((i) => i.alert);
      assert.equal(new Set(names).size, names.length, `each alert once: ${names.join(', ')}`);
      assert.ok(names.includes('api:page-fast'));
      assert.equal(report!.system_health, 'critical');
      const fired = keel
        .output()
        .split('\n')
        .filter((l) => l.includes('"event":"slo.alert"') && l.includes('"tier":"page-fast"'));
      assert.equal(fired.length, 1, 'logged once, by the primary');
    } finally {
      keel.child.kill('SIGTERM');
      await keel.exited;
    }
    assert.ok(existsSync(state), 'the primary saved the state file');
  });
});
