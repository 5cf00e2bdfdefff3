/**
 * Real components (docs/alerts.md, "Alertmanager"): a real Alertmanager (Debian package
 * `prometheus-alertmanager`, our own process on loopback, gossip off, a temporary storage path, a
 * null receiver) receives a firing SLO alert through Keel's alertmanager sender; the alert is read
 * back from `GET /api/v2/alerts` with the labels and annotations a routing tree or a silence would
 * match, then resolved.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SloAlertEvent } from '../../src/core/events.js';
import { AlertNotifier } from '../../src/telemetry/alerts/index.js';
import { freePort, waitFor } from '../integration/control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-alertmanager-'));
let am: ChildProcess | null = null;
let amLog = '';
const notifiers: AlertNotifier[] = [];
after(async () => {
  for (const n of notifiers) await n.close(1000);
  if (am?.pid !== undefined && am.exitCode === null) {
    const exited = new Promise((resolve) => am!.once('exit', resolve));
    process.kill(am.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

async function alerts(base: string): Promise<GettableAlert[] | undefined> {
  try {
    const res = await fetch(`${base}/api/v2/alerts`);
    return res.ok ? ((await res.json()) as GettableAlert[]) : undefined;
  } catch {
    return undefined;
  }
}

function event(state: SloAlertEvent['state']): SloAlertEvent {
  return {
    key: 'checkout:page-fast',
    slo: 'checkout',
    tier: 'page-fast',
    severity: 'critical',
    state,
    objective: 99.9,
    window: '30d',
    burnRateLong: 14.9,
    burnRateShort: 16.2,
    threshold: 14.4,
    longWindow: '1h',
    shortWindow: '5m',
    budgetRemaining: 0.42,
    runbookUrl: 'https://runbooks.example/checkout',
    receivers: [],
    summary: 'checkout is burning its 30d error budget 14.9x too fast',
    at: Date.now(),
  };
}

describe('Alertmanager receives SLO alerts', () => {
  it('shows a firing alert with its labels and annotations, then resolves it', async () => {
    const port = await freePort();
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n',
    );
    am = spawn(
      '/usr/bin/prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=', // empty: no gossip, no cluster port
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.stdout?.on('data', (c: Buffer) => {
      amLog += c.toString();
    });
    am.stderr?.on('data', (c: Buffer) => {
      amLog += c.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('Alertmanager to answer', async () => {
      if (am?.exitCode !== null) throw new Error(`alertmanager exited:\n${amLog}`);
      return (await alerts(base)) !== undefined;
    });

    const problems: object[] = [];
    const notifier = new AlertNotifier({
      receivers: [
        {
          name: 'am',
          type: 'alertmanager',
          url: base,
          key: null,
          headers: {},
          timeout: 5000,
          max_retries: 3,
        },
      ],
      logger: { info: () => undefined, warn: (o) => problems.push(o), error: (o) => problems.push(o) },
    });
    notifiers.push(notifier);
    notifier.publish(event('firing'));
    await notifier.idle();
    assert.deepEqual(problems, []);
    assert.equal(notifier.stats()[0]!.sent, 1, amLog);

    const firing = await waitFor('the alert to be active', async () =>
      (await alerts(base))?.find((a) => a.labels.slo === 'checkout'),
    );
    assert.deepEqual(firing.labels, {
      alertname: 'KeelSLOBurnRate',
      slo: 'checkout',
      tier: 'page-fast',
      severity: 'critical',
    });
    assert.equal(firing.status.state, 'active');
    assert.equal(firing.annotations.runbook_url, 'https://runbooks.example/checkout');
    assert.equal(firing.annotations.burn_rate_long, '14.9');
    assert.equal(firing.annotations.budget_remaining, '0.42');
    assert.equal(firing.annotations.window, '30d');
    assert.match(firing.annotations.summary ?? '', /checkout/);
    assert.ok(Date.parse(firing.endsAt) > Date.now(), 'a firing alert ends in the future');

    notifier.publish(event('resolved'));
    await notifier.idle();
    assert.deepEqual(problems, []);
    await waitFor('the alert to resolve', async () => {
      const a = (await alerts(base))?.find((x) => x.labels.slo === 'checkout');
      return a === undefined || Date.parse(a.endsAt) <= Date.now() ? true : undefined;
    });
  });
});
