/**
 * One receiver's delivery queue. The SLO engine publishes on the bus and must never wait for a
 * pager (docs/alerts.md, "Never blocking"), so events are queued here and sent one at a time, in
 * order (a trigger always goes before its resolve). The queue is bounded: when a destination is
 * down long enough to fill it, the oldest event is dropped, counted and logged.
 *
 * Dedup, per key (`${slo}:${tier}`): a queued event is replaced by a newer one for its key; a
 * firing event for a key whose last delivered state is firing is not sent again; and a resolve
 * for a key never delivered as firing is not sent (the destination has nothing to close). Only
 * successful deliveries move that state, and each is recorded in the ledger (ledger.ts), so the
 * state outlives the process.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import { type AttemptDeps, deliver } from './attempt.js';
import { closingEvent, type DeliveryLedger } from './ledger.js';
import type { AlertSender } from './sender.js';

interface Job {
  event: SloAlertEvent;
  /** A periodic re-send of a firing alert (Alertmanager): bypasses the firing dedup. */
  refresh: boolean;
}

export interface ReceiverStats {
  name: string;
  type: string;
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
  coalesced: number;
  dropped: number;
}

export class ReceiverQueue {
  readonly cfg: AlertReceiverConfig;
  readonly sender: AlertSender;
  readonly #d: AttemptDeps;
  readonly #limit: number;
  readonly #abort = new AbortController();
  readonly #jobs: Job[] = [];
  /** The last event delivered per key: firing means the destination has it open. */
  readonly #delivered = new Map<string, SloAlertEvent>();
  #running = false;
  #inflight: Job | null = null;
  #idle: Array<() => void> = [];
  readonly #stats = { sent: 0, failed: 0, skipped: 0, coalesced: 0, dropped: 0 };
  readonly #ledger: DeliveryLedger | null;
  /** A failing ledger is logged once per failing streak, as the SLO history's saves are. */
  #ledgerFailing = false;

  constructor(
    cfg: AlertReceiverConfig,
    sender: AlertSender,
    deps: AttemptDeps,
    limit: number,
    ledger: DeliveryLedger | null = null,
  ) {
    this.cfg = cfg;
    this.sender = sender;
    this.#d = deps;
    this.#limit = Math.max(1, limit);
    this.#ledger = ledger;
  }

  /** What this destination held open at the last stop (the ledger's rows for this receiver). */
  restore(open: readonly SloAlertEvent[]): void {
    for (const e of open)
      if (e.state === 'firing' && !this.#delivered.has(e.key)) this.#delivered.set(e.key, e);
  }

  /**
   * After a restart, brings the destination in line with where the alerts stand (`current`: every
   * alerting tier routed to this receiver, firing or resolved): an alert it holds open that no
   * longer fires is resolved, one that fires but it never got (it was down, or the process
   * stopped first) is sent; what it holds and still fires is left alone. Same dedup keys as before.
   */
  reconcile(current: readonly SloAlertEvent[], now: number): void {
    const byKey = new Map(current.map((e) => [e.key, e]));
    for (const [key, open] of this.#delivered) {
      if (open.state !== 'firing') continue;
      const latest = byKey.get(key);
      if (latest?.state !== 'firing') this.push(latest ?? closingEvent(open, now));
    }
    for (const e of current)
      if (e.state === 'firing' && this.#delivered.get(e.key)?.state !== 'firing') this.push(e);
  }

  push(event: SloAlertEvent, refresh = false): void {
    if (this.#abort.signal.aborted) return;
    // At most one queued event per key: the newest state wins, so a full queue never holds a
    // stale trigger while the resolve that superseded it is dropped.
    const same = this.#jobs.findIndex((j) => j.event.key === event.key);
    if (same >= 0) {
      if (refresh) return; // the queued event is at least as new
      this.#jobs.splice(same, 1);
      this.#stats.coalesced++;
    }
    if (this.#jobs.length >= this.#limit) {
      const old = this.#jobs.shift()!;
      this.#stats.dropped++;
      this.#d.logger.warn(
        {
          event: 'alert.dropped',
          receiver: this.cfg.name,
          key: old.event.key,
          state: old.event.state,
          dropped: this.#stats.dropped,
          reason: 'queue_full',
        },
        'alert queue full, dropped the oldest alert',
      );
    }
    this.#jobs.push({ event, refresh });
    if (!this.#running) {
      this.#running = true;
      // Started on a microtask so publish() returns before any sender work happens.
      queueMicrotask(() => void this.#drain());
    }
  }

  /**
   * Hands this receiver's state to the notifier that replaces it on reload: what the destination
   * holds open (an in-flight event counted as delivered) and the queued events, which leave this
   * queue so they are sent once, by the new one, in order.
   */
  handOver(): { delivered: SloAlertEvent[]; queued: SloAlertEvent[] } {
    const delivered = new Map(this.#delivered);
    if (this.#inflight && !this.#inflight.refresh)
      delivered.set(this.#inflight.event.key, this.#inflight.event);
    const queued = this.#jobs.splice(0).flatMap((j) => (j.refresh ? [] : [j.event]));
    return { delivered: [...delivered.values()], queued };
  }

  /** Takes over a replaced receiver's state (see handOver). */
  adopt(from: { delivered: readonly SloAlertEvent[]; queued: readonly SloAlertEvent[] }): void {
    for (const e of from.delivered) this.#delivered.set(e.key, e);
    for (const e of from.queued) this.push(e);
  }

  /** Re-queue every alert this destination holds open (for senders with resendMs). */
  resendFiring(): void {
    for (const e of this.#delivered.values()) if (e.state === 'firing') this.push(e, true);
  }

  stats(): ReceiverStats {
    return { name: this.cfg.name, type: this.cfg.type, queued: this.#jobs.length, ...this.#stats };
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    return this.#running ? new Promise((resolve) => this.#idle.push(resolve)) : Promise.resolve();
  }

  /** Stops retries and in-flight requests; queued events are abandoned. */
  abort(): number {
    this.#abort.abort();
    const pending = this.#jobs.length + (this.#running ? 1 : 0);
    this.#jobs.length = 0;
    return pending;
  }

  async #drain(): Promise<void> {
    try {
      for (let job = this.#jobs.shift(); job; job = this.#jobs.shift()) {
        // One failed job (even a throwing logger) must not stop the queue behind it.
        this.#inflight = job;
        await this.#one(job).catch(() => this.#stats.failed++);
        this.#inflight = null;
      }
    } finally {
      this.#running = false;
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
  }

  async #one({ event, refresh }: Job): Promise<void> {
    const last = this.#delivered.get(event.key);
    const open = last?.state === 'firing';
    const duplicate = refresh ? !open : event.state === 'firing' ? open : !open;
    if (duplicate) {
      this.#stats.skipped++;
      return;
    }
    if (await deliver(this.cfg, this.sender, event, this.#d, this.#abort.signal)) {
      this.#stats.sent++;
      this.#delivered.set(event.key, event);
      this.#record(event);
    } else {
      this.#stats.failed++;
    }
  }

  #record(event: SloAlertEvent): void {
    if (this.#ledger === null) return;
    try {
      this.#ledger.delivered({ receiver: this.cfg.name, type: this.cfg.type, event });
      this.#ledgerFailing = false;
    } catch (err) {
      if (!this.#ledgerFailing)
        this.#d.logger.error(
          { event: 'alert.ledger', receiver: this.cfg.name, key: event.key, err, reason: 'save_failed' },
          'cannot save what the alert receiver holds open: a restart may page it again or miss a resolve',
        );
      this.#ledgerFailing = true;
    }
  }
}
