/**
 * The notifier's routing, queue bounds, re-sends and lifecycle, and what it keeps and reconciles
 * across a restart, over a recording transport.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { AlertReceiverConfig } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { EventBus } from '../../core/events.js';
import { scriptedRandom } from '../../core/random.js';
import { alert, captureLogger, T0 } from './doubles.test-util.js';
import { createAlertNotifier, reconfigureAlertNotifier } from './factory.js';
import type { DeliveredAlert, DeliveryLedger } from './ledger.js';
import { AlertNotifier, type AlertNotifierOptions } from './notifier.js';
import type { AlertRequest } from './sender.js';
import type { Transport } from './transport.js';

function receiver(name: string, over: Partial<AlertReceiverConfig> = {}): AlertReceiverConfig {
  return {
    name,
    type: 'webhook',
    url: `http://${name}.invalid/hook`,
    key: null,
    headers: {},
    timeout: 1000,
    max_retries: 2,
    ...over,
  };
}

function recording(gate?: Promise<void>): { sent: AlertRequest[]; transport: Transport } {
  const sent: AlertRequest[] = [];
  return {
    sent,
    transport: async (req) => {
      sent.push(req);
      await gate;
      return { status: 200, retryAfter: undefined, body: '' };
    },
  };
}

function build(o: Partial<AlertNotifierOptions> & Pick<AlertNotifierOptions, 'receivers'>): AlertNotifier {
  return new AlertNotifier({
    logger: captureLogger(),
    clock: new ManualClock(Date.parse('2026-11-27T12:00:00Z')),
    random: scriptedRandom([0.5]),
    sleep: async () => undefined,
    every: () => () => undefined,
    ...o,
  });
}

describe('AlertNotifier', () => {
  it('routes an alert to the receivers it names, or to all when it names none', async () => {
    const { sent, transport } = recording();
    const n = build({ receivers: [receiver('a'), receiver('b')], transport });
    n.publish(alert({ receivers: ['b'] }));
    n.publish(alert({ key: 'other:ticket', tier: 'ticket' }));
    await n.idle();
    assert.deepEqual(sent.map((r) => `${new URL(r.url).hostname} ${JSON.parse(r.body).key}`).sort(), [
      'a.invalid other:ticket',
      'b.invalid checkout:page-fast',
      'b.invalid other:ticket',
    ]);
  });

  it('drops the oldest queued alert when the queue is full, counts and logs it', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { sent, transport } = recording(gate);
    const logger = captureLogger();
    const n = build({ receivers: [receiver('a')], transport, logger, queueLimit: 2 });
    n.publish(alert({ key: 's0:t', slo: 's0' }));
    await new Promise((r) => setImmediate(r)); // s0 is in flight; four more for two slots
    for (let i = 1; i < 5; i++) n.publish(alert({ key: `s${i}:t`, slo: `s${i}` }));
    open();
    await n.idle();
    assert.deepEqual(
      sent.map((r) => JSON.parse(r.body).key),
      ['s0:t', 's3:t', 's4:t'],
    );
    assert.equal(n.stats()[0]!.dropped, 2);
    assert.equal(logger.lines.filter((l) => l.obj.event === 'alert.dropped').length, 2);
  });

  it('re-sends open alerts to Alertmanager only, and not after they resolve', async () => {
    const { sent, transport } = recording();
    const am = receiver('am', { type: 'alertmanager', url: 'http://am.invalid' });
    const n = build({ receivers: [am, receiver('hook')], transport });
    n.publish(alert());
    await n.idle();
    n.resendFiring();
    await n.idle();
    assert.deepEqual(
      sent.map((r) => new URL(r.url).hostname),
      ['am.invalid', 'hook.invalid', 'am.invalid'],
    );
    n.publish(alert({ state: 'resolved' }));
    await n.idle();
    n.resendFiring();
    await n.idle();
    assert.equal(sent.length, 5); // the two resolves, no refresh
  });

  it('retries a network error (connection refused) with backoff', async () => {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((resolve) => srv.close(resolve));
    const sleeps: number[] = [];
    const logger = captureLogger();
    const n = build({
      receivers: [receiver('down', { url: `http://127.0.0.1:${port}/hook`, max_retries: 2 })],
      logger,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    n.publish(alert());
    await n.idle();
    assert.deepEqual(sleeps, [500, 1000]);
    assert.equal(n.stats()[0]!.failed, 1);
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 2);
  });

  it('subscribes to the bus when receivers exist, flushes on close and then ignores alerts', async () => {
    const bus = new EventBus();
    const logger = captureLogger();
    assert.equal(
      createAlertNotifier(
        bus,
        { alerts: { receivers: [], evaluation_interval: 1, state_file: null } },
        logger,
      ),
      null,
    );
    const { sent, transport } = recording();
    const n = createAlertNotifier(
      bus,
      { alerts: { receivers: [receiver('a')], evaluation_interval: 1, state_file: null } },
      logger,
      { transport, every: () => () => undefined },
    );
    assert.ok(n);
    bus.channel('slo.alert').publish(alert());
    assert.deepEqual(await n.close(1000), { flushed: true, pending: 0 });
    assert.equal(sent.length, 1);
    assert.equal(bus.channel('slo.alert').active, false);
  });

  it('keeps the notifier on a reload without receiver changes; a rebuilt one still resolves open alerts', async () => {
    const bus = new EventBus();
    const logger = captureLogger();
    const { sent, transport } = recording();
    const opts = { transport, every: () => () => undefined };
    const cfg = (receivers: AlertReceiverConfig[]) => ({
      alerts: { receivers, evaluation_interval: 1, state_file: null },
    });
    const first = createAlertNotifier(bus, cfg([receiver('a')]), logger, opts);
    assert.equal(reconfigureAlertNotifier(first, bus, cfg([receiver('a')]), logger, opts), first);
    bus.channel('slo.alert').publish(alert());
    await first?.idle();
    const second = reconfigureAlertNotifier(
      first,
      bus,
      cfg([receiver('a', { timeout: 5000 })]),
      logger,
      opts,
    );
    assert.ok(second && second !== first);
    bus.channel('slo.alert').publish(alert({ state: 'resolved' }));
    await second.close(1000);
    assert.deepEqual(
      sent.map((r) => JSON.parse(r.body).state),
      ['firing', 'resolved'],
    );
    assert.equal(reconfigureAlertNotifier(second, bus, cfg([]), logger, opts), null);
  });

  it('hands queued events and an in-flight trigger over to the notifier a reload builds', async () => {
    const bus = new EventBus();
    const logger = captureLogger();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow = recording(gate);
    const fast = recording();
    const cfg = (r: AlertReceiverConfig) => ({
      alerts: { receivers: [r], evaluation_interval: 1, state_file: null },
    });
    const every = () => () => undefined;
    const first = createAlertNotifier(bus, cfg(receiver('a')), logger, { transport: slow.transport, every });
    bus.channel('slo.alert').publish(alert());
    await new Promise((r) => setImmediate(r)); // the trigger is in flight
    bus.channel('slo.alert').publish(alert({ key: 'other:t', slo: 'other' })); // queued
    const second = reconfigureAlertNotifier(first, bus, cfg(receiver('a', { timeout: 3000 })), logger, {
      transport: fast.transport,
      every,
    });
    bus.channel('slo.alert').publish(alert({ state: 'resolved' }));
    open();
    await second?.close(1000);
    await first?.idle();
    assert.deepEqual(
      slow.sent.map((r) => JSON.parse(r.body).key),
      ['checkout:page-fast'],
    );
    assert.deepEqual(
      fast.sent.map((r) => `${JSON.parse(r.body).key} ${JSON.parse(r.body).state}`),
      ['other:t firing', 'checkout:page-fast resolved'],
    );
  });

  it('keeps only the newest queued event per key', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { sent, transport } = recording(gate);
    const n = build({ receivers: [receiver('a')], transport });
    n.publish(alert({ key: 'x:t', slo: 'x' }));
    await new Promise((r) => setImmediate(r)); // x:t firing is in flight
    n.publish(alert());
    n.publish(alert({ state: 'resolved' })); // supersedes the queued trigger: nothing to open or close
    n.publish(alert({ key: 'x:t', slo: 'x', state: 'resolved' }));
    open();
    await n.idle();
    assert.deepEqual(
      sent.map((r) => `${JSON.parse(r.body).key} ${JSON.parse(r.body).state}`),
      ['x:t firing', 'x:t resolved'],
    );
    assert.equal(n.stats()[0]!.coalesced, 1);
  });
});

/** A ledger in memory, as the SLO state file keeps it: one row per receiver and open alert. */
function memoryLedger(rows: DeliveredAlert[] = []) {
  const open = new Map(rows.map((r) => [`${r.receiver} ${r.type} ${r.event.key}`, r]));
  const ledger: DeliveryLedger & { rows(): string[] } = {
    openAlerts: () => [...open.values()],
    delivered: (d) => {
      const id = `${d.receiver} ${d.type} ${d.event.key}`;
      if (d.event.state === 'firing') open.set(id, d);
      else open.delete(id);
    },
    rows: () => [...open.keys()].sort(),
  };
  return ledger;
}

describe('AlertNotifier across a restart (docs/alerts.md "Restarts")', () => {
  const sentLines = (sent: AlertRequest[]) =>
    sent.map((r) => `${new URL(r.url).hostname} ${JSON.parse(r.body).key} ${JSON.parse(r.body).state}`);

  it('records what each receiver holds open: a trigger opens its row, a resolve removes it', async () => {
    const ledger = memoryLedger();
    const { transport } = recording();
    const n = build({ receivers: [receiver('a'), receiver('b')], transport, ledger });
    n.publish(alert());
    n.publish(alert({ key: 'x:t', slo: 'x' }));
    await n.idle();
    assert.deepEqual(ledger.rows(), [
      'a webhook checkout:page-fast',
      'a webhook x:t',
      'b webhook checkout:page-fast',
      'b webhook x:t',
    ]);
    n.publish(alert({ key: 'x:t', slo: 'x', state: 'resolved' }));
    await n.idle();
    assert.deepEqual(ledger.rows(), ['a webhook checkout:page-fast', 'b webhook checkout:page-fast']);
  });

  it('reconciles: resolves what stopped firing, sends what a receiver missed, re-triggers nothing', async () => {
    // Before the stop: a holds both alerts open, b holds only "gone:t" (its checkout trigger failed).
    const ledger = memoryLedger([
      { receiver: 'a', type: 'webhook', event: alert() },
      { receiver: 'a', type: 'webhook', event: alert({ key: 'calm:t', slo: 'calm' }) },
      { receiver: 'b', type: 'webhook', event: alert({ key: 'gone:t', slo: 'gone' }) },
      { receiver: 'old', type: 'webhook', event: alert() }, // a receiver no longer configured
    ]);
    const { sent, transport } = recording();
    const n = build({ receivers: [receiver('a'), receiver('b')], transport, ledger });
    // The first evaluation after the restart: checkout still fires, calm resolved, gone removed.
    n.reconcile([alert(), alert({ key: 'calm:t', slo: 'calm', state: 'resolved', at: T0 + 5 })]);
    await n.idle();
    assert.deepEqual(sentLines(sent).sort(), [
      'a.invalid calm:t resolved',
      'b.invalid checkout:page-fast firing',
      'b.invalid gone:t resolved',
    ]);
    const closed = sent.find((r) => JSON.parse(r.body).key === 'gone:t')!;
    assert.match(JSON.parse(closed.body).summary, /no longer evaluated/);
    assert.deepEqual(ledger.rows(), [
      'a webhook checkout:page-fast',
      'b webhook checkout:page-fast',
      'old webhook checkout:page-fast',
    ]);
    // Reconciling again is a no-op: every receiver now holds what fires.
    n.reconcile([alert()]);
    await n.idle();
    assert.equal(sent.length, 3);
  });

  it('reconciles only the alerts routed to each receiver', async () => {
    const { sent, transport } = recording();
    const n = build({ receivers: [receiver('a'), receiver('b')], transport, ledger: memoryLedger() });
    n.reconcile([alert({ receivers: ['b'] })]);
    await n.idle();
    assert.deepEqual(sentLines(sent), ['b.invalid checkout:page-fast firing']);
  });

  it('logs a failing ledger once per failing streak and keeps delivering', async () => {
    const logger = captureLogger();
    const { sent, transport } = recording();
    const broken: DeliveryLedger = {
      openAlerts: () => {
        throw new Error('disk I/O error');
      },
      delivered: () => {
        throw new Error('disk I/O error');
      },
    };
    const n = build({ receivers: [receiver('a')], transport, logger, ledger: broken });
    n.publish(alert());
    n.publish(alert({ key: 'x:t', slo: 'x' }));
    await n.idle();
    assert.equal(sent.length, 2);
    const errors = logger.lines.filter((l) => l.obj.event === 'alert.ledger');
    assert.deepEqual(
      errors.map((l) => l.obj.reason),
      ['load_failed', 'save_failed'],
    );
  });
});
