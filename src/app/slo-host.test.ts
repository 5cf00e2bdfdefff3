import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../config/index.js';
import { ManualClock } from '../core/clock.js';
import { EventBus, type RequestDoneEvent } from '../core/events.js';
import type { Logger } from '../telemetry/logging.js';
import { SloHost } from './slo-host.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-app-slo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(stateFile: string) {
  const r = validateConfig({
    pools: { web: { hosts: ['http://127.0.0.1:1'] } },
    routes: [{ name: 'r', pool: 'web' }],
    slos: [{ name: 's', kind: 'availability', objective: 99, alerting: { enabled: false } }],
    alerts: { state_file: stateFile },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe('SloHost', () => {
  it('runs in memory, with a clear error, when the state file is not SQLite', async () => {
    const file = join(dir, 'corrupt.sqlite');
    writeFileSync(file, 'garbage '.repeat(1000));
    const errors: string[] = [];
    const log = {
      info: () => undefined,
      warn: () => undefined,
      error: (_o: object, m: string) => errors.push(m),
    };
    const host = new SloHost({
      role: 'single',
      bus: new EventBus(),
      logger: log as unknown as Logger,
      clock: new ManualClock(1_000_000),
      routeNames: () => ['r'],
    });
    host.configure(config(file));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /cannot open the SLO state file .*corrupt\.sqlite.*in memory only/);
    await host.tick(); // evaluates and "saves" without a store: no throw
    assert.equal(host.status()[0]!.name, 's');
    host.close();
  });

  it('a spent budget is a critical alert only once the window holds alerting.min_events events', async () => {
    const r = validateConfig({
      pools: { web: { hosts: ['http://127.0.0.1:1'] } },
      routes: [{ name: 'r', pool: 'web' }],
      slos: [
        { name: 'quiet', kind: 'availability', objective: 99, alerting: { enabled: false } },
        { name: 'few', kind: 'availability', objective: 99, alerting: { enabled: false, min_events: 3 } },
      ],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const clock = new ManualClock(10_000_000);
    const bus = new EventBus();
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const host = new SloHost({
      role: 'single',
      bus,
      logger: silent as unknown as Logger,
      clock,
      routeNames: () => ['r'],
    });
    host.configure(r.config);
    const fail = () => bus.channel('request.done').publish(done(500, clock.now()));
    try {
      fail(); // one request, failed: both budgets are spent
      await host.tick();
      assert.ok(host.status().every((s) => (s.budget.remaining ?? 1) <= 0 && s.events.total === 1));
      assert.deepEqual(host.alerts(), [], 'one failed request out of one is no incident');
      fail();
      fail();
      await host.tick();
      // "few" asks for 3 events and has them; "quiet" keeps the default 100.
      assert.deepEqual(
        host.alerts().map((a) => [a.name, a.severity]),
        [['few:budget_spent', 'critical']],
      );
      for (let i = 0; i < 97; i++) fail();
      await host.tick();
      assert.deepEqual(
        host.alerts().map((a) => a.name),
        ['quiet:budget_spent', 'few:budget_spent'],
      );
    } finally {
      await host.close();
    }
  });
});

function done(status: number, at: number): RequestDoneEvent {
  return {
    ...{ requestId: 'x', route: 'r', pool: 'web', method: 'GET', path: '/', status, durationMs: 1, tries: 1 },
    ...{ host: '', errorCode: '', cache: '', shed: false, traceId: '', spanId: '', parentSpanId: '' },
    ...{ traceFlags: 0, startedAt: at, at },
  };
}
