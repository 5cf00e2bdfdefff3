/**
 * Error-budget arithmetic for any window (docs/slo.md "The budget"). No traffic is "no data":
 * null, never NaN and never 100%. Objectives are percents (99.9); shares are 0..1.
 */
import type { Counts } from './buckets.js';

/** Guards comparisons against float noise: 0.001 / (1 − 0.999) is 0.9999999999999991. */
export const EPSILON = 1e-9;

/** The allowed bad share: 99.9 → 0.001. */
export function errorBudget(objective: number): number {
  return (100 - objective) / 100;
}

/** good / total, or null when there were no events. */
export function sli(c: Counts): number | null {
  return c.total > 0 ? c.good / c.total : null;
}

/** Allowed bad events: (1 − objective) × total. */
export function allowedBad(c: Counts, objective: number): number {
  return errorBudget(objective) * c.total;
}

/** Allowed downtime in ms for a window: 99.9% over 30d → 2 592 000 ms (43.2 min). */
export function allowedDowntimeMs(windowMs: number, objective: number): number {
  return errorBudget(objective) * windowMs;
}

/** How fast the budget burns: bad share / allowed bad share (1 = exactly spent by the window's end). */
export function burnRate(c: Counts, objective: number): number | null {
  if (c.total === 0) return null;
  return (c.total - c.good) / c.total / errorBudget(objective);
}

/** Share of the budget consumed over the counted events: the burn rate over the whole window. */
export function budgetConsumed(c: Counts, objective: number): number | null {
  return burnRate(c, objective);
}

/** Share left, 1 − consumed; below 0 once overspent. */
export function budgetRemaining(c: Counts, objective: number): number | null {
  const consumed = budgetConsumed(c, objective);
  return consumed === null ? null : 1 - consumed;
}

/**
 * Time until the remaining budget is gone at a burn rate: a burn rate of 1 spends the whole
 * budget in one window, so `remaining` lasts remaining × window / rate. Null when not burning;
 * 0 when already spent.
 */
export function timeToExhaustionMs(
  remaining: number | null,
  rate: number | null,
  windowMs: number,
): number | null {
  if (remaining === null || rate === null || rate <= 0) return null;
  if (remaining <= 0) return 0;
  return (remaining * windowMs) / rate;
}
