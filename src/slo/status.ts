/** The JSON-safe status of one SLO (admin API, `keel slo status`, the handoff report). */
import type { SloKind } from '../config/types.js';
import { type BudgetPoint, budgetHistory, spentAt } from './burndown.js';
import { formatWindow } from './format.js';
import {
  allowedBad,
  allowedDowntimeMs,
  budgetConsumed,
  budgetRemaining,
  budgetSpent,
  burnRate,
  sli,
  timeToExhaustionMs,
} from './math.js';
import type { TrackedSlo } from './tracked.js';

/** The burn rates every status shows: the windows of the default tiers. */
export const STATUS_WINDOWS = {
  '5m': 300_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '3d': 259_200_000,
};
export type StatusWindow = keyof typeof STATUS_WINDOWS;

export interface SloStatus {
  name: string;
  kind: SloKind;
  objective: number; // percent
  window: string; // e.g. "30d"
  /** Percent good over the window, like the objective; null = no data. */
  sli: number | null;
  budget: {
    /** Bad events the window's traffic allows (for throughput: bad minutes). */
    allowed_bad: number;
    /** availability and error_rate: (1 − objective) × window, in seconds; null for other kinds. */
    allowed_downtime_s: number | null;
    consumed: number | null; // share of the budget, 0..1 (may exceed 1)
    remaining: number | null; // 1 − consumed, may be < 0
    /**
     * While spent (remaining ≤ 0): when it became spent (ISO time), as the evaluation recorded
     * it, or read from the history when there is no record yet; null while not spent.
     */
    spent_since: string | null;
  };
  /**
   * The burn-down: the share of the current window's budget left at 61 evenly spaced points from
   * the window's start to now (burndown.ts); the last one is budget.remaining.
   */
  budget_history: BudgetPoint[];
  burn_rates: Record<StatusWindow, number | null>;
  /** At the 1h burn rate; null when not burning or no data. */
  time_to_exhaustion_s: number | null;
  alerts: Array<{
    tier: string;
    severity: 'critical' | 'warning';
    firing: boolean;
    burn_long: number | null;
    burn_short: number | null;
    threshold: number;
  }>;
  /** Over the window: requests (for throughput: judged minutes). */
  events: { good: number; total: number };
}

export function buildStatus(t: TrackedSlo, now: number): SloStatus {
  const { slo } = t;
  const c = t.counts(slo.window, now);
  const share = sli(c);
  const remaining = budgetRemaining(c, slo.objective);
  const burn_rates = {} as Record<StatusWindow, number | null>;
  for (const [name, ms] of Object.entries(STATUS_WINDOWS)) {
    burn_rates[name as StatusWindow] = burnRate(t.counts(ms, now), slo.objective);
  }
  const ttl = timeToExhaustionMs(remaining, burn_rates['1h'], slo.window);
  const timeBased = slo.kind === 'availability' || slo.kind === 'error_rate';
  return {
    name: slo.name,
    kind: slo.kind,
    objective: slo.objective,
    window: formatWindow(slo.window),
    sli: share === null ? null : share * 100,
    budget: {
      allowed_bad: allowedBad(c, slo.objective),
      allowed_downtime_s: timeBased ? seconds(allowedDowntimeMs(slo.window, slo.objective)) : null,
      consumed: budgetConsumed(c, slo.objective),
      remaining,
      spent_since: budgetSpent(c, slo.objective)
        ? new Date(t.spentSince ?? spentAt(t, now, c)).toISOString()
        : null,
    },
    budget_history: budgetHistory(t, now, c),
    burn_rates,
    time_to_exhaustion_s: ttl === null ? null : seconds(ttl),
    alerts: t.tiers.map((a) => ({
      tier: a.tier.name,
      severity: a.tier.severity,
      firing: a.firing,
      burn_long: a.last.burnLong,
      burn_short: a.last.burnShort,
      threshold: a.tier.burn_rate,
    })),
    events: { good: c.good, total: c.total },
  };
}

/** Seconds to the millisecond, as people read them: 2592, never 2591.9999999998527. */
function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}
