/**
 * The alert notifier: subscribed to the bus's 'slo.alert', it routes each alert to the receivers
 * the SLO names (empty = all) through one ReceiverQueue per receiver, so a slow or dead
 * destination delays only itself. publish() only enqueues: the SLO engine never waits on a pager.
 *
 * Time, randomness, sleeping and the HTTP transport come in through options (docs/architecture.md,
 * "Injected time and randomness"), so the contract suite drives retries and Retry-After without
 * real waiting.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import { type Clock, systemClock } from '../../core/clock.js';
import type { EventBus, SloAlertEvent } from '../../core/events.js';
import { mathRandom, type Random } from '../../core/random.js';
import type { AlertLogger, Sleep } from './attempt.js';
import { ReceiverQueue, type ReceiverStats } from './delivery.js';
import type { DeliveredAlert, DeliveryLedger } from './ledger.js';
import { createSender } from './senders.js';
import { httpTransport, type Transport } from './transport.js';

export interface AlertNotifierOptions {
  receivers: readonly AlertReceiverConfig[];
  logger: AlertLogger;
  clock?: Clock;
  random?: Random;
  sleep?: Sleep;
  transport?: Transport;
  /** Events queued per receiver before the oldest is dropped. */
  queueLimit?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  retryAfterMaxMs?: number;
  /** Runs fn every ms until the returned stop is called (the Alertmanager re-send). */
  every?: (ms: number, fn: () => void) => () => void;
  /** Where each receiver's open alerts are kept across restarts (ledger.ts); none = memory only. */
  ledger?: DeliveryLedger | null;
}

function readLedger(ledger: DeliveryLedger, logger: AlertLogger): DeliveredAlert[] {
  try {
    return ledger.openAlerts();
  } catch (err) {
    logger.error(
      { event: 'alert.ledger', err, reason: 'load_failed' },
      'cannot read what the alert receivers hold open: a restart may page them again or miss a resolve',
    );
    return [];
  }
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const realEvery = (ms: number, fn: () => void): (() => void) => {
  const t = setInterval(fn, ms);
  t.unref(); // a pending re-send never keeps the process alive
  return () => clearInterval(t);
};

export class AlertNotifier {
  readonly receivers: readonly AlertReceiverConfig[];
  readonly #queues: ReceiverQueue[];
  readonly #logger: AlertLogger;
  readonly #clock: Clock;
  readonly #stops: Array<() => void> = [];

  constructor(o: AlertNotifierOptions) {
    this.#logger = o.logger;
    this.receivers = o.receivers;
    const deps = {
      clock: o.clock ?? systemClock,
      random: o.random ?? mathRandom,
      sleep: o.sleep ?? realSleep,
      transport: o.transport ?? httpTransport,
      logger: o.logger,
      backoffBaseMs: o.backoffBaseMs ?? 1000,
      backoffMaxMs: o.backoffMaxMs ?? 60_000,
      retryAfterMaxMs: o.retryAfterMaxMs ?? 300_000,
    };
    this.#clock = deps.clock;
    const ledger = o.ledger ?? null;
    this.#queues = o.receivers.map(
      (r) => new ReceiverQueue(r, createSender(r), deps, o.queueLimit ?? 100, ledger),
    );
    if (ledger) this.restore(readLedger(ledger, o.logger));
    const every = o.every ?? realEvery;
    for (const q of this.#queues)
      if (q.sender.resendMs !== null) this.#stops.push(every(q.sender.resendMs, () => q.resendFiring()));
  }

  /** Subscribes to the bus's 'slo.alert'; returns the unsubscribe. */
  attach(bus: EventBus): () => void {
    const off = bus.on('slo.alert', (e) => this.publish(e));
    this.#stops.push(off);
    return off;
  }

  /** Enqueues the alert for its receivers and returns at once. */
  publish(e: SloAlertEvent): void {
    for (const q of this.#queues) if (e.receivers.length === 0 || e.receivers.includes(q.cfg.name)) q.push(e);
  }

  /** Seeds what each receiver holds open from saved rows (same receiver name and type). */
  restore(open: readonly DeliveredAlert[]): void {
    for (const q of this.#queues)
      q.restore(open.filter((d) => d.receiver === q.cfg.name && d.type === q.cfg.type).map((d) => d.event));
  }

  /**
   * After a restart: every alerting tier's state as the first evaluation found it. Each receiver
   * gets the resolves and triggers it is owed, and nothing it already holds (docs/alerts.md
   * "Restarts").
   */
  reconcile(states: readonly SloAlertEvent[]): void {
    const now = this.#clock.now();
    for (const q of this.#queues)
      q.reconcile(
        states.filter((e) => e.receivers.length === 0 || e.receivers.includes(q.cfg.name)),
        now,
      );
  }

  /** Re-sends every open alert to the receivers that need refreshing (normally on a timer). */
  resendFiring(): void {
    for (const q of this.#queues) if (q.sender.resendMs !== null) q.resendFiring();
  }

  /** Takes over the open alerts and queue of a notifier this one replaces (same receiver name and type). */
  adopt(prev: AlertNotifier): void {
    for (const q of this.#queues) {
      const old = prev.#queues.find((p) => p.cfg.name === q.cfg.name && p.cfg.type === q.cfg.type);
      if (old) q.adopt(old.handOver());
    }
  }

  stats(): ReceiverStats[] {
    return this.#queues.map((q) => q.stats());
  }

  /** Resolves when every queue is empty (tests; close() uses it with a deadline). */
  async idle(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.idle()));
  }

  /** Stops taking alerts and flushes what is queued, for at most deadlineMs; the rest is dropped. */
  async close(deadlineMs: number): Promise<{ flushed: boolean; pending: number }> {
    for (const stop of this.#stops.splice(0)) stop();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const flushed = await Promise.race([this.idle().then(() => true), timeout]);
    clearTimeout(timer);
    const pending = this.#queues.reduce((n, q) => n + q.abort(), 0);
    if (!flushed)
      this.#logger.warn(
        { event: 'alert.close', pending, reason: 'deadline' },
        'alert delivery cut short at shutdown',
      );
    return { flushed, pending: flushed ? 0 : pending };
  }
}
