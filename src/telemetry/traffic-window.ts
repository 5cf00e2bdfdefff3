/**
 * Recent traffic for the handoff report: requests, 5xx answers and a latency histogram over the
 * last `windowSeconds`, from request.done. Fixed arrays of one-second buckets
 * (docs/architecture.md, "No allocation on the hot path"): recording is a few array writes — no
 * allocation, no sort. The histogram's bounds are fixed, so two workers' windows add up bucket by
 * bucket (the supervisor sums them).
 */
import type { EventBus } from '../core/events.js';

/** Upper bounds (ms), including the usual SLO thresholds (100, 200, 500, 1000 ms); +Inf is implied. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000,
];

/** JSON-safe sum over the window; `counts[i]` is requests with duration <= bounds_ms[i] (the last: +Inf). */
export interface TrafficSnapshot {
  window_seconds: number;
  requests: number;
  errors_5xx: number;
  bounds_ms: number[];
  counts: number[];
}

const NB = LATENCY_BOUNDS_MS.length + 1; // + the +Inf bucket
const REQ = NB; // per-second slot layout: [histogram..., requests, errors]
const ERR = NB + 1;
const STRIDE = NB + 2;

export class TrafficWindow {
  readonly #n: number;
  readonly #cells: Float64Array;
  readonly #epoch: Float64Array; // which second each slot holds; -1 = empty

  constructor(readonly windowSeconds = 60) {
    this.#n = windowSeconds;
    this.#cells = new Float64Array(windowSeconds * STRIDE);
    this.#epoch = new Float64Array(windowSeconds).fill(-1);
  }

  record(atMs: number, status: number, durationMs: number): void {
    const sec = Math.floor(atMs / 1000);
    const slot = sec % this.#n;
    const base = slot * STRIDE;
    if (this.#epoch[slot] !== sec) {
      this.#cells.fill(0, base, base + STRIDE);
      this.#epoch[slot] = sec;
    }
    let b = 0;
    while (b < NB - 1 && durationMs > LATENCY_BOUNDS_MS[b]!) b++;
    this.#cells[base + b]!++;
    this.#cells[base + REQ]!++;
    if (status >= 500) this.#cells[base + ERR]!++;
  }

  /** Sum of the seconds in (now − window, now]. */
  snapshot(nowMs: number): TrafficSnapshot {
    const now = Math.floor(nowMs / 1000);
    const counts = new Array<number>(NB).fill(0);
    let requests = 0;
    let errors = 0;
    for (let slot = 0; slot < this.#n; slot++) {
      const sec = this.#epoch[slot]!;
      if (sec < 0 || sec > now || sec <= now - this.#n) continue;
      const base = slot * STRIDE;
      for (let b = 0; b < NB; b++) counts[b]! += this.#cells[base + b]!;
      requests += this.#cells[base + REQ]!;
      errors += this.#cells[base + ERR]!;
    }
    return {
      window_seconds: this.#n,
      requests,
      errors_5xx: errors,
      bounds_ms: [...LATENCY_BOUNDS_MS],
      counts,
    };
  }
}

export function subscribeTraffic(bus: EventBus, window: TrafficWindow): () => void {
  return bus.on('request.done', (e) => window.record(e.at, e.status, e.durationMs));
}

/**
 * The p-quantile (0..1) of a histogram as the upper bound of the bucket holding that rank (the
 * Prometheus histogram_quantile convention without interpolation); null with no requests, the
 * largest finite bound when the rank falls in +Inf.
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  counts: readonly number[],
): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b]!;
    if (seen >= rank) return bounds[Math.min(b, bounds.length - 1)]!;
  }
  return bounds[bounds.length - 1]!;
}
