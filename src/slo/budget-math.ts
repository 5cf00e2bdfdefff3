/**
 * The error-budget arithmetic SREs do by hand (Google SRE Workbook, "Implementing SLOs" and
 * "Alerting on SLOs"): the budget as a share, as time and as requests, and what each alert tier's
 * burn rate means. Pure: no clock, no I/O.
 */
import { DEFAULT_TIER_SHAPES } from '../config/defaults.js';
import { deriveBurnRate } from '../config/resolve-slo.js';
import type { BurnRateTier } from '../config/types.js';
import { allowedDowntimeMs, errorBudget, timeToExhaustionMs } from './math.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** 12 significant digits, as the config's burn rates: 1 − 99.9/100 gives 0.001, not 0.0010000000000000009. */
export function round(n: number): number {
  return Number(n.toPrecision(12));
}

/** For people: 4 significant digits (a 28d ticket tier burns 0.9333×, not 0.933333333333×). */
export function shown(n: number): number {
  return Number(n.toPrecision(4));
}

/** The config's default tiers (src/config/defaults.ts) scaled to a window, as an SLO without tiers gets them. */
export function defaultTiers(windowMs: number): BurnRateTier[] {
  return DEFAULT_TIER_SHAPES.map((t) => ({
    ...t,
    burn_rate: deriveBurnRate(t.budget_share, windowMs, t.long_window),
  }));
}

export interface Budget {
  /** Objective in percent, e.g. 99.9. */
  objective: number;
  windowMs: number;
  /** The share of events allowed to be bad: 1 − objective/100 (0.001 at 99.9). */
  share: number;
  /** Allowed full downtime in the window (43m 12s for 30d at 99.9). */
  timeMs: number;
  perDayMs: number;
  perWeekMs: number;
  /** Allowed bad requests out of `requests` in the window; null when no count was given. */
  badRequests: number | null;
}

/** The engine's arithmetic (math.ts) for one objective and window, rounded for people. */
export function budgetFor(objective: number, windowMs: number, requests?: number): Budget {
  if (!(objective > 0 && objective < 100))
    throw new RangeError(`objective must be in (0, 100), got ${objective}`);
  if (!(windowMs > 0)) throw new RangeError(`window must be > 0 ms, got ${windowMs}`);
  const share = round(errorBudget(objective));
  return {
    objective,
    windowMs,
    share,
    timeMs: round(allowedDowntimeMs(windowMs, objective)),
    perDayMs: round(allowedDowntimeMs(DAY, objective)),
    perWeekMs: round(allowedDowntimeMs(WEEK, objective)),
    // A fraction of a request cannot fail: the budget is the whole requests below the share.
    badRequests: requests === undefined ? null : Math.floor(round(share * requests)),
  };
}

export interface TierRow extends BurnRateTier {
  /** How long a constant burn at this rate takes to spend the whole budget: window / burn_rate. */
  exhaustMs: number;
  /** The error rate this burn means: burn_rate × (1 − objective). */
  errorRate: number;
}

export function tierTable(budget: Budget, tiers: readonly BurnRateTier[]): TierRow[] {
  return tiers.map((t) => ({
    ...t,
    exhaustMs: round(timeToExhaustionMs(1, t.burn_rate, budget.windowMs) ?? Number.POSITIVE_INFINITY),
    errorRate: round(t.burn_rate * budget.share),
  }));
}
