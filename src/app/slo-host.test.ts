import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../config/index.js';
import { ManualClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
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
});
