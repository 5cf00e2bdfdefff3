/**
 * One contract for every alert sender (docs/architecture.md, "Contract tests"): each runs through
 * the same AlertNotifier against a local double of its destination that validates what it gets
 * (doubles.test-util.ts). Sleeping is scripted (recorded, never waited), so retries and
 * Retry-After cost no real time.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AlertReceiverConfig, AlertReceiverType } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { scriptedRandom } from '../../core/random.js';
import { alert, captureLogger, type Double, resolved, startDouble, T0 } from './doubles.test-util.js';
import { AlertNotifier } from './notifier.js';

const TYPES: AlertReceiverType[] = ['pagerduty', 'opsgenie', 'alertmanager', 'webhook'];

for (const type of TYPES) {
  describe(`alert sender contract: ${type}`, () => {
    const clock = new ManualClock(T0);
    let double: Double;
    let sleeps: number[];
    let log: ReturnType<typeof captureLogger>;
    const open: Array<{ close(): Promise<unknown> }> = [];
    after(async () => {
      for (const o of open) await o.close();
    });

    beforeEach(async () => {
      clock.set(T0);
      double = await startDouble(type, () => clock.now());
      open.push(double);
      sleeps = [];
      log = captureLogger();
    });

    function notifier(receivers: AlertReceiverConfig[] = [double.receiver()]): AlertNotifier {
      const n = new AlertNotifier({
        receivers,
        logger: log,
        clock,
        random: scriptedRandom([0.5]),
        backoffBaseMs: 1000,
        backoffMaxMs: 30_000,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.advance(ms);
        },
        every: () => () => undefined,
      });
      open.push({ close: () => n.close(1000) });
      return n;
    }

    it('delivers a trigger with the SLO, burn rate, budget left, window and runbook', async () => {
      const n = notifier();
      n.publish(alert());
      await n.idle();
      assert.deepEqual(double.problems, []);
      assert.equal(double.received.length, 1);
      assert.deepEqual(double.received[0], {
        action: 'trigger',
        key: 'checkout:page-fast',
        fields: {
          slo: 'checkout',
          burn_rate_long: '14.9',
          budget_remaining: '0.42',
          window: '30d',
          runbook_url: 'https://runbooks.example/checkout',
        },
      });
    });

    it('delivers a resolve with the same dedup key', async () => {
      const n = notifier();
      n.publish(alert());
      await n.idle();
      clock.advance(60_000);
      n.publish(resolved());
      await n.idle();
      assert.deepEqual(double.problems, []);
      assert.deepEqual(
        double.received.map((r) => [r.action, r.key]),
        [
          ['trigger', 'checkout:page-fast'],
          ['resolve', 'checkout:page-fast'],
        ],
      );
    });

    it('retries a 500 with full-jitter backoff, without real waiting', async () => {
      double.script({ status: 500 }, { status: 503 });
      const n = notifier();
      n.publish(alert());
      await n.idle();
      assert.equal(double.received.length, 3);
      assert.deepEqual(sleeps, [500, 1000]); // 0.5 × min(30s, 1s × 2^(retry-1))
      assert.deepEqual(n.stats()[0]!.sent, 1);
      assert.deepEqual(double.problems, []);
    });

    it('waits as long as a 429 Retry-After asks', async () => {
      double.script({ status: 429, headers: { 'retry-after': '7' } });
      const n = notifier();
      n.publish(alert());
      await n.idle();
      assert.deepEqual(sleeps, [7000]);
      assert.equal(double.received.length, 2);
      assert.equal(n.stats()[0]!.sent, 1);
    });

    it('gives up after max_retries', async () => {
      double.script({ status: 502 }, { status: 502 }, { status: 502 });
      const n = notifier([double.receiver({ max_retries: 2 })]);
      n.publish(alert());
      await n.idle();
      assert.equal(double.received.length, 3);
      assert.equal(n.stats()[0]!.failed, 1);
      assert.ok(log.lines.some((l) => l.level === 'error' && l.obj.reason === 'status_502'));
    });

    it('does not retry a 400, and logs the destination reason', async () => {
      double.script({ status: 400, body: `{"message":"Invalid routing key ${'x'.repeat(2000)}"}` });
      const n = notifier();
      n.publish(alert());
      await n.idle();
      assert.equal(double.received.length, 1);
      assert.deepEqual(sleeps, []);
      const line = log.lines.find((l) => l.level === 'error');
      assert.equal(line?.obj.status, 400);
      assert.match(String(line?.obj.body), /^\{"message":"Invalid routing key x+$/);
      assert.ok(String(line?.obj.body).length <= 512);
    });

    it('sends a repeated firing alert once', async () => {
      const n = notifier();
      n.publish(alert());
      await n.idle();
      n.publish(alert({ burnRateLong: 15.1, at: T0 + 30_000 }));
      await n.idle();
      assert.equal(double.received.length, 1);
      assert.equal(n.stats()[0]!.skipped, 1);
    });

    it('does not send a resolve for an alert never triggered', async () => {
      const n = notifier();
      n.publish(resolved());
      await n.idle();
      assert.equal(double.received.length, 0);
    });

    it('fires again after a resolve', async () => {
      const n = notifier();
      n.publish(alert());
      await n.idle();
      n.publish(resolved());
      await n.idle();
      n.publish(alert({ at: T0 + 120_000 }));
      await n.idle();
      assert.deepEqual(
        double.received.map((r) => r.action),
        ['trigger', 'resolve', 'trigger'],
      );
    });

    it('returns from publish at once while the receiver hangs; others still get the alert', async () => {
      double.script('hang');
      const other = await startDouble('webhook', () => clock.now());
      open.push(other);
      const n = notifier([double.receiver({ timeout: 60_000 }), other.receiver({ name: 'other' })]);
      const started = process.hrtime.bigint();
      n.publish(alert());
      const tookMs = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(tookMs < 50, `publish took ${tookMs}ms`);
      const deadline = Date.now() + 5000;
      while (other.received.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.equal(other.received.length, 1);
      const closed = await n.close(50);
      assert.deepEqual(closed, { flushed: false, pending: 1 });
    });
  });
}
