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

export class TierAlert {
  readonly slo: SloConfig;
  readonly tier: BurnRateTier;
  #firing = false;
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

  /** Feeds one reading; returns the event when the state changed, else null. */
  evaluate(r: TierReading, now: number): SloAlertEvent | null {
    this.#last = r;
    const min = this.tier.burn_rate * (1 - EPSILON);
    const burning =
      r.enough && r.burnLong !== null && r.burnShort !== null && r.burnLong >= min && r.burnShort >= min;
    if (burning === this.#firing) return null;
    this.#firing = burning;
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
