/**
 * Error-budget arithmetic for any window (docs/slo.md "The budget"). No traffic is "no data":
 * null, never NaN and never 100%. Objectives are percents (99.9); shares are 0..1.
 *
 * The objective is a decimal (99.99), and binary floats cannot hold it: 100 − 99.99 is
 * 0.010000000000005116, so a budget spent exactly (1 bad in 10 000) would read 5.1e-13 left and
 * never count as spent. So the budget is kept as an exact fraction of integers (99.99 → 1/10 000)
 * and a budget's sign is decided in integers; only the shares shown are rounded floats.
 */
import { decimalPlaces } from '../config/schema-slo.js';
import type { Counts } from './buckets.js';

/** Guards comparisons against float noise: a burn of exactly 14.4 must fire a 14.4× tier. */
export const EPSILON = 1e-9;

/** The share of events allowed to be bad as num / den, both integers: 99.9 → 1 / 1000. */
export interface BudgetFraction {
  num: number;
  den: number;
}

/**
 * Decimal places kept of an objective: the config and the CLI allow 6; 12 keeps 100 × 10^12
 * below 2^53, so every product below is an exact integer for any realistic count.
 */
const MAX_PLACES = 12;

export function budgetFraction(objective: number): BudgetFraction {
  const scale = 10 ** Math.min(decimalPlaces(objective), MAX_PLACES);
  const den = 100 * scale;
  // objective × scale is within far less than 0.5 of the integer the decimal meant (99.99 × 100).
  return { num: den - Math.round(objective * scale), den };
}

/** The allowed bad share: 99.9 → 0.001 (one correctly rounded division, not 0.0009999999999998). */
export function errorBudget(objective: number): number {
  const f = budgetFraction(objective);
  return f.num / f.den;
}

/** good / total, or null when there were no events. */
export function sli(c: Counts): number | null {
  return c.total > 0 ? c.good / c.total : null;
}

/** Allowed bad events: (1 − objective) × total. */
export function allowedBad(c: Counts, objective: number): number {
  const f = budgetFraction(objective);
  return (c.total * f.num) / f.den;
}

/** Allowed downtime in ms for a window: 99.9% over 30d → exactly 2 592 000 ms (43.2 min). */
export function allowedDowntimeMs(windowMs: number, objective: number): number {
  const f = budgetFraction(objective);
  return (windowMs * f.num) / f.den;
}

/** How fast the budget burns: bad share / allowed bad share (1 = exactly spent by the window's end). */
export function burnRate(c: Counts, objective: number): number | null {
  if (c.total === 0) return null;
  const f = budgetFraction(objective);
  return ((c.total - c.good) * f.den) / (c.total * f.num);
}

/** Share of the budget consumed over the counted events: the burn rate over the whole window. */
export function budgetConsumed(c: Counts, objective: number): number | null {
  return burnRate(c, objective);
}

/**
 * Share left, 1 − consumed; below 0 once overspent. Computed as (allowed − bad) / allowed with
 * the numerator in exact integers, so a budget spent to the event is exactly 0: spent.
 */
export function budgetRemaining(c: Counts, objective: number): number | null {
  if (c.total === 0) return null;
  const f = budgetFraction(objective);
  const allowed = c.total * f.num; // × den: allowed bad events, scaled to integers
  return exactDiff(c.total, f.num, c.total - c.good, f.den) / allowed;
}

/** Whether the budget is spent (remaining ≤ 0), decided in integers; false without data. */
export function budgetSpent(c: Counts, objective: number): boolean {
  if (c.total === 0) return false;
  const f = budgetFraction(objective);
  return exactDiff(c.total, f.num, c.total - c.good, f.den) <= 0;
}

/**
 * a × b − c × d, exact for integer counts: in doubles while both products are safe integers,
 * else in BigInt (a count of ten billion requests against a 99.9999 objective passes 2^53).
 */
function exactDiff(a: number, b: number, c: number, d: number): number {
  const ab = a * b;
  const cd = c * d;
  if (ab <= Number.MAX_SAFE_INTEGER && cd <= Number.MAX_SAFE_INTEGER) return ab - cd;
  if (!(Number.isInteger(a) && Number.isInteger(c))) return ab - cd;
  return Number(BigInt(a) * BigInt(b) - BigInt(c) * BigInt(d));
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
