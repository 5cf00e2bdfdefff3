/**
 * Alert state survives a restart (docs/alerts.md "Restarts"): a real gateway with an SLO on a
 * state file, real traffic, and two webhook receivers on 127.0.0.1:0 that count every trigger and
 * resolve per dedup key. The SLO clock is injected and evaluations are run directly, so burn-rate
 * windows move without waiting. Each test restarts the gateway on the same state file:
 * (a) during a continuing burn: no second trigger; (b) stopped while firing, started after the
 * burn ended: exactly one resolve; (c) a receiver that was down at the stop gets the trigger, and
 * later the resolve, it missed — once, under the same dedup key; (d) the handoff report's
 * `budget_spent` incident keeps the time the budget became spent.
 *
 * "Nothing was sent" is observed, not waited for: after each evaluation a marker alert is
 * published, and each receiver's queue is first in, first out, so once the marker arrived every
 * delivery queued before it was made or skipped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import type { SlosResponse } from '../../src/admin/slo-route.js';
import { type App, startApp } from '../../src/app/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { alert } from '../../src/telemetry/alerts/doubles.test-util.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { freePort, get, getJson, spawnKeel, waitFor } from './control-util.js';
import { makeConfig, pool, type Upstream, upstreams } from './proxy-util.js';

const KEY = 'api:page';
const MINUTE = 60_000;

/** A webhook destination that counts what it accepted; `down` answers 503 (Keel retries none). */
class Receiver {
  readonly server: Server;
  /** Every request, in order: its key, action, and whether it was accepted. */
  readonly seen: Array<{ key: string; action: 'trigger' | 'resolve'; ok: boolean }> = [];
  down = false;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        const e = JSON.parse(body) as { key: string; state: string };
        this.seen.push({ key: e.key, action: e.state === 'firing' ? 'trigger' : 'resolve', ok: !this.down });
        res.writeHead(this.down ? 503 : 204).end();
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Accepted deliveries of the SLO's alert with this action. */
  count(action: 'trigger' | 'resolve'): number {
    return this.seen.filter((s) => s.key === KEY && s.action === action && s.ok).length;
  }

  attempts(): number {
    return this.seen.filter((s) => s.key === KEY).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'keel-alert-restart-'));
const T0 = Date.parse('2026-12-01T00:00:00Z');
const clock = new ManualClock(T0);
let ups: Upstream[];
let a: Receiver;
let b: Receiver;
let app: App | null = null;
let gateway = '';
let markers = 0;

function config() {
  const receiver = (name: string, r: Receiver) => ({
    name,
    type: 'webhook',
    url: r.url,
    timeout: '2s',
    max_retries: 0,
  });
  return makeConfig({
    admin: { host: '127.0.0.1', port: 0 },
    pools: pool('app', ups, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
    routes: [{ name: 'api', pool: 'app', retry: { enabled: false } }],
    slos: [
      {
        name: 'api',
        kind: 'availability',
        objective: 99.9,
        alerting: {
          runbook_url: 'https://runbooks.example/api',
          tiers: [
            { name: 'page', severity: 'critical', budget_share: 0.02, long_window: '1h', short_window: '5m' },
          ],
        },
      },
    ],
    alerts: {
      state_file: join(dir, 'slo.sqlite'),
      evaluation_interval: 3_600_000, // evaluations are run by the test
      receivers: [receiver('a', a), receiver('b', b)],
    },
  });
}

async function start(): Promise<void> {
  app = await startApp({
    config: config(),
    version: 'v1',
    logger: createLogger({ level: 'silent' }),
    sloClock: clock,
  });
  gateway = `http://127.0.0.1:${app.listeners[0]!.port}`;
}

async function restart(): Promise<void> {
  await app?.shutdown('restart');
  await start();
}

/** `n` requests at the SLO clock's now, every other one a 500. */
async function burn(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`${gateway}/${i % 2 === 0 ? 'bad' : 'ok'}`)).arrayBuffer();
}

/** Runs one evaluation, then waits until both receivers have handled everything it queued. */
async function evaluate(): Promise<void> {
  await app!.slo.tick();
  const key = `marker:${++markers}`;
  app!.bus.channel('slo.alert').publish(alert({ key, slo: 'marker', tier: String(markers), at: Date.now() }));
  await waitFor(`both receivers to get ${key}`, () =>
    [a, b].every((r) => r.seen.some((s) => s.key === key)) ? true : undefined,
  );
}

before(async () => {
  ups = await upstreams(1, (req, res) => {
    req.resume();
    res.writeHead(req.url === '/bad' ? 500 : 200).end();
  });
  a = await new Receiver().listen();
  b = await new Receiver().listen();
  await start();
});
after(async () => {
  await app?.shutdown('test done');
  await Promise.all([...ups.map((u) => u.close()), a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('alert state across restarts', () => {
  it('(a) a restart during a continuing burn sends no second trigger', async () => {
    await burn(200);
    await evaluate();
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [1, 1], 'the burn pages both receivers');
    const firingSince = app!.slo.alerts().find((x) => x.name === KEY)?.since;
    assert.ok(firingSince);

    await restart();
    clock.advance(MINUTE);
    await burn(100);
    await evaluate();
    assert.equal(app!.slo.status()[0]!.alerts[0]!.firing, true, 'still firing after the restart');
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [1, 1], 'no second trigger');
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [0, 0]);
    // The incident keeps its start across the restart (the handoff report's `since`).
    assert.equal(app!.slo.alerts().find((x) => x.name === KEY)?.since, firingSince);
  });

  it('(b) stopped while firing, started after the burn ended: exactly one resolve', async () => {
    await app!.shutdown('stop while firing');
    app = null;
    clock.advance(2 * 60 * MINUTE); // the 1h window holds no burn any more
    await start();
    await evaluate();
    assert.equal(app!.slo.status()[0]!.alerts[0]!.firing, false);
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [1, 1], 'one resolve per receiver');
    await evaluate(); // and no more later
    await restart();
    await evaluate();
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [1, 1]);
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [1, 1]);
  });

  it('(c) a receiver down at the stop gets the trigger, then the resolve, it missed: once, same key', async () => {
    b.down = true;
    clock.advance(MINUTE);
    await burn(200);
    await evaluate();
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [2, 1], 'b was down for the trigger');
    const tried = b.attempts();

    await restart(); // b is back
    b.down = false;
    clock.advance(MINUTE);
    await burn(100);
    await evaluate();
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [2, 2], 'b got its trigger after the restart');
    assert.equal(b.attempts(), tried + 1, 'once');
    assert.equal(b.seen.filter((s) => s.key === KEY).at(-1)?.action, 'trigger');

    b.down = true; // down again when the burn ends
    clock.advance(2 * 60 * MINUTE);
    await evaluate();
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [2, 1], 'b was down for the resolve');
    await restart();
    b.down = false;
    await evaluate();
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [2, 2], 'b got its resolve after the restart');
    await evaluate();
    await restart();
    await evaluate();
    assert.deepEqual([a.count('resolve'), b.count('resolve')], [2, 2], 'once');
    assert.deepEqual([a.count('trigger'), b.count('trigger')], [2, 2]);
  });

  it('(d) the handoff report dates a spent budget from when it became spent, across restarts', async () => {
    const admin = `http://127.0.0.1:${app!.admin!.port}`;
    const report = (await (await fetch(`${admin}/handoff`)).json()) as HandoffReport;
    const spent = report.details.incidents.find((i) => i.alert === 'api:budget_spent');
    assert.ok(spent, 'the budget is spent');
    assert.ok(clock.now() - T0 > 4 * 60 * MINUTE);
    assert.equal(spent.since, new Date(T0).toISOString(), 'the minute of the first burn, not now');
  });
});

describe('alert state across a restart of `keel run --workers 2`', () => {
  const dir2 = mkdtempSync(join(tmpdir(), 'keel-alert-restart-workers-'));
  let live: Upstream[] = [];
  let hook: Receiver | null = null;
  after(async () => {
    await Promise.all([...live.map((u) => u.close()), hook?.close()]);
    rmSync(dir2, { recursive: true, force: true });
  });

  it('the primary keeps the alert state: a restart during the burn sends no second trigger', async () => {
    live = await upstreams(1, (req, res) => {
      req.resume();
      res.writeHead(req.url === '/bad' ? 500 : 200).end();
    });
    hook = await new Receiver().listen();
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir2, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\n` +
        `pools:\n  app: { hosts: ["${live[0]!.url}"], health: { outlier: { enabled: false } }, breaker: { enabled: false } }\n` +
        'routes:\n  - { name: api, pool: app, retry: { enabled: false } }\n' +
        'slos:\n  - name: api\n    kind: availability\n    objective: 99.9\n' +
        '    alerting:\n      runbook_url: "https://runbooks.example/api"\n' +
        '      tiers: [{ name: page, severity: critical, budget_share: 0.02, long_window: 1h, short_window: 5m }]\n' +
        `alerts:\n  evaluation_interval: 1s\n  state_file: "${join(dir2, 'slo.sqlite')}"\n` +
        `  receivers: [{ name: hook, type: webhook, url: "${hook.url}", max_retries: 0 }]\n`,
    );
    const admin = `http://127.0.0.1:${adminPort}/api/v1/slos`;
    /** Runs keel until `until` holds after `n` requests (half of them 500s), then stops it. */
    const run = async (n: number, until: (s: SlosResponse['slos'][0]) => boolean) => {
      const keel = spawnKeel(['run', '-c', path, '--workers', '2']);
      try {
        await waitFor(
          'the admin API',
          async () => {
            if (keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
            return getJson<SlosResponse>(admin);
          },
          15_000,
        );
        for (let i = 0; i < n; i++) await get(`http://127.0.0.1:${port}/${i % 2 === 0 ? 'bad' : 'ok'}`);
        await waitFor('the primary to evaluate the requests', async () => {
          const s = (await getJson<SlosResponse>(admin))?.slos[0];
          return s && until(s) ? true : undefined;
        });
      } finally {
        keel.child.kill('SIGTERM'); // the exit flushes every queued delivery first
        await keel.exited;
      }
    };
    const firing = (s: SlosResponse['slos'][0]) => s.alerts[0]?.firing === true;
    await run(200, (s) => s.events.total === 200 && firing(s));
    assert.equal(hook.count('trigger'), 1, 'the primary paged once, not once per worker');
    // Evaluated after the restart: the 100 new requests were pulled from the workers, so the
    // first evaluation (and its reconcile) has run; the burn goes on.
    await run(100, (s) => s.events.total === 300 && firing(s));
    assert.equal(hook.count('trigger'), 1, 'no second trigger after the restart');
    assert.equal(hook.count('resolve'), 0);
  });
});
