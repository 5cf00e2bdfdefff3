/**
 * The error budget as a burn-down over the SLO's window (docs/slo.md "Burn-down"): how much of
 * the current window's budget was left at evenly spaced points from the window's start to now.
 * Built from the one-minute buckets in one pass, only when a status is asked for.
 */
import { type Counts, MINUTE_MS } from './buckets.js';
import { budgetRemaining, budgetSpent } from './math.js';
import type { TrackedSlo } from './tracked.js';

/** Intervals across the window: 61 points, one every 12 h of a 30d window, 2.8 h of a 7d one. */
export const BURNDOWN_STEPS = 60;

export interface BudgetPoint {
  /** Epoch seconds. */
  t: number;
  /** Share of the budget left at t, may be < 0; null when the window has no events at all. */
  remaining: number | null;
}

/**
 * remaining(t) = 1 − bad(window start … t) ÷ allowed_bad, where allowed_bad is the budget of the
 * whole window as of now (`c`, the status's counts): the current window's budget, spent down. A
 * minute counts once it has ended; the last point (now) counts what the status counts, the
 * current minute included, so it equals the status's budget.remaining.
 */
export function budgetHistory(t: TrackedSlo, nowMs: number, c: Counts): BudgetPoint[] {
  const { window, objective } = t.slo;
  const start = nowMs - window;
  const times: number[] = [];
  const cuts: number[] = [];
  for (let i = 0; i <= BURNDOWN_STEPS; i++) {
    const at = i === BURNDOWN_STEPS ? nowMs : start + (window * i) / BURNDOWN_STEPS;
    times.push(at);
    cuts.push(i === BURNDOWN_STEPS ? Math.floor(nowMs / MINUTE_MS) : Math.floor(at / MINUTE_MS) - 1);
  }
  if (c.total === 0) return times.map((at) => ({ t: Math.round(at / 1000), remaining: null }));
  const bad = t.cumulativeBad(window, nowMs, cuts);
  // The same arithmetic as the status's budget (same counts at now), so the last point matches it.
  return times.map((at, i) => ({
    t: Math.round(at / 1000),
    remaining: budgetRemaining({ good: c.total - bad[i]!, total: c.total }, objective),
  }));
}

/**
 * When the current window's budget became spent, read from the history: the start of the first
 * minute whose running total of bad events since the window's start reaches the window's whole
 * allowance — the minute where the burn-down above crosses 0. The evaluation records it when it
 * first finds the budget spent, so a live record and one read back from history agree.
 */
export function spentAt(t: TrackedSlo, nowMs: number, c: Counts): number {
  const now = Math.floor(nowMs / MINUTE_MS);
  const first = now - Math.ceil(t.slo.window / MINUTE_MS);
  const cuts = Array.from({ length: now - first + 1 }, (_, i) => first + i);
  const bad = t.cumulativeBad(t.slo.window, nowMs, cuts);
  for (let i = 0; i < cuts.length; i++)
    if (budgetSpent({ good: c.total - bad[i]!, total: c.total }, t.slo.objective))
      return Math.min(nowMs, cuts[i]! * MINUTE_MS);
  return nowMs;
}
