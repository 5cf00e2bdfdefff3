/**
 * The SLO engine (docs/slo.md): counts good/total per SLO from request.done events, and turns
 * them into SLIs, budgets, burn rates and alert transitions. Pure: no timers and no I/O — the
 * runtime wires the clock tick, persistence and worker merge around it.
 */
import type { SloConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { RequestDoneEvent, SloAlertEvent } from '../core/events.js';
import type { TierState } from './alerting.js';
import type { BucketsExport } from './buckets.js';
import { spentAt } from './burndown.js';
import { budgetRemaining, budgetSpent, burnRate } from './math.js';
import { buildStatus, type SloStatus } from './status.js';
import { TrackedSlo } from './tracked.js';

export type { SloStatus } from './status.js';

/** What an SLO's alerting knows beyond its counts: restored on start, never merged from workers. */
export interface SloAlertState {
  tiers: TierState[];
  /** When the budget became spent (epoch ms); null while it is not. */
  spentSince: number | null;
}

/** JSON-safe engine state, for the state file and for workers → primary. */
export interface SloEngineState {
  version: 1;
  /** When it was exported (epoch ms). */
  at: number;
  /** `alerts` is absent in files written before alert state was saved: those start resolved. */
  slos: Array<{ name: string; identity: string; buckets: BucketsExport; alerts?: SloAlertState }>;
}

export class SloEngine {
  readonly #clock: Clock;
  #tracked: TrackedSlo[] = [];
  /** Resolved events owed for firing alerts of SLOs a reconfigure removed or replaced. */
  #owed: SloAlertEvent[] = [];

  /** `routeNames`: every route in the config, for SLOs that name none (= every route). */
  constructor(slos: readonly SloConfig[], clock: Clock, routeNames: readonly string[] = []) {
    this.#clock = clock;
    const now = clock.now();
    this.#tracked = slos.map((s) => new TrackedSlo(s, routeNames, now));
  }

  /** The hot path: classify one finished request for every SLO. No allocation. */
  record(e: RequestDoneEvent): void {
    const tracked = this.#tracked;
    let now = -1;
    for (let i = 0; i < tracked.length; i++) {
      const t = tracked[i]!;
      const v = t.classify(e);
      if (v === 'skip') continue;
      if (now < 0) now = this.#clock.now();
      t.buckets.inc(v === 'good', now);
    }
  }

  /** Evaluates every tier; returns the alert transitions (firing / resolved) since the last call. */
  evaluate(): SloAlertEvent[] {
    const now = this.#clock.now();
    const out = this.#owed;
    this.#owed = [];
    for (const t of this.#tracked) {
      const { objective, window } = t.slo;
      const counts = t.counts(window, now);
      const remaining = budgetRemaining(counts, objective);
      if (!budgetSpent(counts, objective)) t.spentSince = null;
      else t.spentSince ??= spentAt(t, now, counts);
      for (const tier of t.tiers) {
        const long = t.counts(tier.tier.long_window, now);
        const reading = {
          burnLong: burnRate(long, objective),
          burnShort: burnRate(t.counts(tier.tier.short_window, now), objective),
          enough: t.enough(long, tier.tier.long_window, now),
          budgetRemaining: remaining,
        };
        const ev = tier.evaluate(reading, now);
        // Tiers are judged for every SLO (status, policy); only alerting SLOs emit events.
        if (ev !== null && t.slo.alerting.enabled) out.push(ev);
      }
    }
    return out;
  }

  /** One JSON-safe status per SLO, as of now. Tier states are those of the last evaluate(). */
  status(): SloStatus[] {
    const now = this.#clock.now();
    return this.#tracked.map((t) => buildStatus(t, now));
  }

  /**
   * Where every tier of every alerting SLO stands, as of the last evaluate(): a firing event for
   * each tier firing, a resolved one for the others. The alert notifier compares this with what
   * each receiver holds after a restart (docs/alerts.md "Restarts").
   */
  alertStates(): SloAlertEvent[] {
    const now = this.#clock.now();
    return this.#tracked.flatMap((t) =>
      t.slo.alerting.enabled ? t.tiers.map((a) => a.event(a.firing ? 'firing' : 'resolved', now)) : [],
    );
  }

  /** Firing tiers by key (`<slo>:<tier>`), with when each started firing (epoch ms). */
  firingSince(): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of this.#tracked)
      for (const a of t.tiers) if (a.since !== null) out.set(`${t.slo.name}:${a.tier.name}`, a.since);
    return out;
  }

  export(): SloEngineState {
    const now = this.#clock.now();
    return {
      version: 1,
      at: now,
      slos: this.#tracked.map((t) => ({
        name: t.slo.name,
        identity: t.identity,
        buckets: t.buckets.export(now),
        alerts: { tiers: t.tiers.map((a) => a.state()), spentSince: t.spentSince },
      })),
    };
  }

  /**
   * A saved state into a fresh engine at startup: its counts (as import()) and its alert state,
   * so tiers that fired before the restart are still firing — no second page — and resolve on
   * the first evaluation that finds the burn over.
   */
  restore(state: SloEngineState): void {
    this.import(state);
    if (state === null || typeof state !== 'object' || !Array.isArray(state.slos)) return;
    for (const s of state.slos) {
      const t = this.#tracked.find((x) => x.slo.name === s.name && x.identity === s.identity);
      if (t === undefined || s.alerts === null || typeof s.alerts !== 'object') continue;
      restoreAlerts(t, s.alerts);
    }
  }

  /**
   * ADDS the counts of a state to the SLOs with the same name and identity (others are ignored):
   * restoring history into a fresh engine, or merging the counts of other workers. Alert state
   * is not merged: only the primary evaluates (restore() reads it back at startup).
   */
  import(state: SloEngineState): void {
    if (state === null || typeof state !== 'object' || !Array.isArray(state.slos)) return;
    const now = this.#clock.now();
    for (const s of state.slos) {
      const t = this.#tracked.find((x) => x.slo.name === s.name && x.identity === s.identity);
      if (t !== undefined && s.buckets !== undefined) t.buckets.import(s.buckets, now);
    }
  }

  /**
   * A new set of SLOs (hot reload). History is kept for an SLO whose name, kind, objective and
   * threshold are unchanged; alerts firing on an SLO that is gone or changed resolve on the next
   * evaluate().
   */
  reconfigure(slos: readonly SloConfig[], routeNames: readonly string[] = []): void {
    const now = this.#clock.now();
    const old = new Map(this.#tracked.map((t) => [t.slo.name, t]));
    this.#tracked = slos.map((s) => {
      const t = new TrackedSlo(s, routeNames, now);
      const prev = old.get(s.name);
      if (prev !== undefined && prev.identity === t.identity) {
        t.buckets.import(prev.buckets.export(now), now);
        restoreAlerts(t, { tiers: prev.tiers.map((a) => a.state()), spentSince: prev.spentSince });
      }
      return t;
    });
    for (const prev of old.values()) {
      const kept = this.#tracked.find((t) => t.slo.name === prev.slo.name && t.identity === prev.identity);
      for (const tier of prev.tiers) {
        const still = kept?.tiers.find((k) => k.tier.name === tier.tier.name)?.firing === true;
        if (tier.firing && !still && prev.slo.alerting.enabled) this.#owed.push(tier.event('resolved', now));
      }
    }
  }
}

/** Tiers are matched by name; a tier that is new, or whose state is not an object, starts resolved. */
function restoreAlerts(t: TrackedSlo, saved: SloAlertState): void {
  for (const tier of t.tiers) {
    const was = Array.isArray(saved.tiers) ? saved.tiers.find((p) => p?.tier === tier.tier.name) : undefined;
    if (was !== undefined && was !== null && typeof was === 'object') tier.restore(was);
  }
  t.spentSince = typeof saved.spentSince === 'number' ? saved.spentSince : null;
}
