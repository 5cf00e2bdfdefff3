/**
 * Slow start: a host that comes back (ejection over, or healthy again) gets a linear ramp of its
 * weight from 10% to 100% over `durationMs`, so a cold instance (empty caches, JIT, pools) is not
 * handed its full share at once. A pure function of the clock: no timer ends the ramp.
 */
export const SLOW_START_FLOOR = 0.1;

/** The weight factor in [0.1, 1] at `now` for a ramp that began at `from` (-Infinity = none). */
export function slowStartFactor(from: number, now: number, durationMs: number): number {
  if (durationMs <= 0) return 1;
  const elapsed = now - from;
  if (!(elapsed < durationMs)) return 1; // also covers from = -Infinity
  if (elapsed <= 0) return SLOW_START_FLOOR;
  return SLOW_START_FLOOR + (1 - SLOW_START_FLOOR) * (elapsed / durationMs);
}
