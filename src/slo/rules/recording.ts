/**
 * Recording rules, named `level:metric:operations` (Prometheus "Recording rules" best practices):
 * `keel:slo_errors:ratio_rate<window>{slo}` — the fleet-wide share of bad events over each window
 * a tier uses — and, for a throughput floor, `keel:slo_requests:rate5m{slo}`.
 */
import type { SloConfig } from '../../config/types.js';
import {
  ANSWERED,
  BUCKET,
  badStatusMatcher,
  COUNT,
  leValue,
  NOT_FAILED,
  promDuration,
  routeMatcher,
  sumRate,
} from './promql.js';
import type { RecordingRule, RulesOptions } from './types.js';

export const THROUGHPUT_WINDOW = 300_000;

export function errorRatioName(windowMs: number): string {
  return `keel:slo_errors:ratio_rate${promDuration(windowMs)}`;
}

export const REQUESTS_RATE = `keel:slo_requests:rate${promDuration(THROUGHPUT_WINDOW)}`;

/** Every long and short window of the SLO's tiers, shortest first. */
export function tierWindows(slo: SloConfig): number[] {
  const all = slo.alerting.tiers.flatMap((t) => [t.long_window, t.short_window]);
  return [...new Set(all)].sort((a, b) => a - b);
}

/**
 * The share of bad events over a window. An empty numerator (no bad series yet) reads as 0 so a
 * healthy route records 0, not nothing; no traffic at all stays 0/0 = NaN, which compares false
 * in every alert ("no data", never 100%).
 */
export function errorRatioExpr(slo: SloConfig, windowMs: number, opts: RulesOptions): string {
  const base = [opts.selector, routeMatcher(slo)];
  const total = sumRate(COUNT, [...base, ANSWERED], windowMs);
  if (slo.kind === 'latency') {
    const le = `le="${leValue(slo.latency_threshold ?? 0)}"`;
    const good = sumRate(BUCKET, [...base, le, NOT_FAILED], windowMs);
    // No fast answer at all reads as 0 only while the bucket exists: a histogram without this
    // `le` (a threshold added by a reload, before the restart) is "no data", never 100% bad.
    const exists = `0 * ${sumRate(BUCKET, [...base, le], windowMs)}`;
    return `(\n  ${total}\n  -\n  (${good} or ${exists})\n)\n/\n${total}`;
  }
  const bad = sumRate(COUNT, [...base, badStatusMatcher(slo)], windowMs);
  return `(${bad} or vector(0))\n/\n${total}`;
}

export function recordingRules(slo: SloConfig, opts: RulesOptions): RecordingRule[] {
  const labels = { slo: slo.name };
  if (slo.kind === 'throughput') {
    const expr = sumRate(COUNT, [opts.selector, routeMatcher(slo)], THROUGHPUT_WINDOW);
    return [{ record: REQUESTS_RATE, expr, labels }];
  }
  return tierWindows(slo).map((w) => ({
    record: errorRatioName(w),
    expr: errorRatioExpr(slo, w, opts),
    labels,
  }));
}
