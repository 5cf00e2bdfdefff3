/** One SLO as the engine tracks it: its classifier, its buckets and its alert tiers. */
import type { SloConfig } from '../config/types.js';
import { TierAlert } from './alerting.js';
import { type Counts, SloBuckets } from './buckets.js';
import { type Classifier, compileClassifier } from './classify.js';

export class TrackedSlo {
  readonly slo: SloConfig;
  readonly classify: Classifier;
  readonly buckets: SloBuckets;
  readonly tiers: TierAlert[];
  /** When the budget became spent (epoch ms), recorded by the evaluation; null while not spent. */
  spentSince: number | null = null;
  /** Requests per minute a throughput minute needs to be good. */
  readonly #floor: number;

  constructor(slo: SloConfig, routeNames: readonly string[], nowMs: number) {
    this.slo = slo;
    this.classify = compileClassifier(slo, routeNames);
    this.buckets = new SloBuckets(slo.window, nowMs);
    this.tiers = slo.alerting.tiers.map((t) => new TierAlert(slo, t));
    this.#floor = (slo.min_rps ?? 0) * 60;
  }

  /** History survives a reload only when what it measured is unchanged. */
  get identity(): string {
    const s = this.slo;
    return JSON.stringify([s.name, s.kind, s.objective, s.latency_threshold, s.min_rps]);
  }

  /** Events over a window: requests, or for throughput judged minutes. */
  counts(windowMs: number, nowMs: number): Counts {
    return this.slo.kind === 'throughput'
      ? this.buckets.sumMinutes(windowMs, nowMs, this.#floor)
      : this.buckets.sum(windowMs, nowMs);
  }

  /** Running totals of bad events over a window at each cut (epoch minutes, ascending): the burn-down. */
  cumulativeBad(windowMs: number, nowMs: number, cuts: readonly number[]): number[] {
    return this.slo.kind === 'throughput'
      ? this.buckets.cumulativeBadMinutes(windowMs, nowMs, this.#floor, cuts)
      : this.buckets.cumulativeBad(windowMs, nowMs, cuts);
  }

  /** Whether a tier's long window holds enough events to alert on (docs/slo.md "No data"). */
  enough(long: Counts, longWindowMs: number, nowMs: number): boolean {
    if (this.slo.kind !== 'throughput') return long.total >= this.slo.alerting.min_events;
    // A throughput floor is judged on time, not requests: the long window must have been observed.
    return nowMs - this.buckets.sinceMs >= longWindowMs;
  }
}
