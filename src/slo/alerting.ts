/**
 * Multi-window, multi-burn-rate alerting (Google SRE Workbook, "Alerting on SLOs", §6): a tier
 * fires while the burn rate over BOTH its long and its short window reaches the tier's rate, and
 * the long window holds enough events (a quiet route is not paged by one error). The short window
 * makes the alert resolve soon after the burn stops. Events are emitted on transitions only.
 */
import type { BurnRateTier, SloConfig } from '../config/types.js';
import type { SloAlertEvent } from '../core/events.js';
import { formatWindow } from './format.js';
import { EPSILON } from './math.js';

export interface TierReading {
  burnLong: number | null;
  burnShort: number | null;
  /** Enough events in the long window (min_events; for throughput: the window fully observed). */
  enough: boolean;
  budgetRemaining: number | null;
}

/** A tier's alert state, JSON-safe: saved with the SLO history so a restart resumes it. */
export interface TierState {
  tier: string;
  firing: boolean;
  /** When it started firing (epoch ms); null while resolved. */
  since: number | null;
  last: TierReading;
}

export class TierAlert {
  readonly slo: SloConfig;
  readonly tier: BurnRateTier;
  #firing = false;
  #since: number | null = null;
  #last: TierReading = { burnLong: null, burnShort: null, enough: false, budgetRemaining: null };

  constructor(slo: SloConfig, tier: BurnRateTier) {
    this.slo = slo;
    this.tier = tier;
  }

  get firing(): boolean {
    return this.#firing;
  }

  get last(): TierReading {
    return this.#last;
  }

  /** When the current firing started (epoch ms); null while resolved. */
  get since(): number | null {
    return this.#since;
  }

  state(): TierState {
    return { tier: this.tier.name, firing: this.#firing, since: this.#since, last: { ...this.#last } };
  }

  /**
   * Resumes a saved or carried-over state without an event: the destinations were told of the
   * firing when it began, so a restart or a reload must not page again (docs/alerts.md).
   */
  restore(s: TierState): void {
    this.#firing = s.firing === true;
    this.#since = this.#firing && typeof s.since === 'number' ? s.since : null;
    if (s.last && typeof s.last === 'object') this.#last = { ...this.#last, ...s.last };
  }

  /** Feeds one reading; returns the event when the state changed, else null. */
  evaluate(r: TierReading, now: number): SloAlertEvent | null {
    this.#last = r;
    const min = this.tier.burn_rate * (1 - EPSILON);
    const burning =
      r.enough && r.burnLong !== null && r.burnShort !== null && r.burnLong >= min && r.burnShort >= min;
    if (burning === this.#firing) return null;
    this.#firing = burning;
    this.#since = burning ? now : null;
    return this.event(burning ? 'firing' : 'resolved', now);
  }

  /** The event for a state (also used to resolve an alert whose SLO was removed). */
  event(state: 'firing' | 'resolved', now: number): SloAlertEvent {
    const { slo, tier } = this;
    const r = this.#last;
    const long = formatWindow(tier.long_window);
    const short = formatWindow(tier.short_window);
    const burn = (r.burnLong ?? 0).toFixed(1);
    const left = r.budgetRemaining === null ? 'unknown' : `${(r.budgetRemaining * 100).toFixed(1)}%`;
    const summary =
      state === 'firing'
        ? `SLO ${slo.name} (${slo.objective}% over ${formatWindow(slo.window)}) burns its error budget ${burn}x over ${long} (threshold ${tier.burn_rate}x); ${left} of the budget left`
        : `SLO ${slo.name}: the ${tier.name} burn stopped (${burn}x over ${long}, threshold ${tier.burn_rate}x); ${left} of the budget left`;
    return {
      key: `${slo.name}:${tier.name}`,
      slo: slo.name,
      tier: tier.name,
      severity: tier.severity,
      state,
      objective: slo.objective,
      window: formatWindow(slo.window),
      burnRateLong: r.burnLong ?? 0,
      burnRateShort: r.burnShort ?? 0,
      threshold: tier.burn_rate,
      longWindow: long,
      shortWindow: short,
      budgetRemaining: r.budgetRemaining ?? 1,
      runbookUrl: slo.alerting.runbook_url ?? '',
      receivers: [...slo.alerting.receivers],
      summary,
      at: now,
    };
  }
}
