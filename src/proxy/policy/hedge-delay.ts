import type { HedgeConfig } from '../../config/types.js';

/** Buckets 2^(i/4) ms wide (about 19 %), from 1 ms to about 55 s. */
const BUCKETS = 64;
/** Samples before the route's own p95 is trusted; until then the delay is WARMUP_MS. */
export const MIN_SAMPLES = 20;
/**
 * The delay before a route has MIN_SAMPLES answers: late enough not to double a route whose
 * normal latency is unknown yet, early enough to still cut a hung try.
 */
export const WARMUP_MS = 1000;
/** p95 over the current window and the previous one: 10 to 20 s of answers. */
const WINDOW_MS = 10_000;
/** Recomputed every this many samples (and on each new window), never per request. */
const RECOMPUTE_EVERY = 32;

function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(4 * Math.log2(ms)));
}

/** The upper edge of bucket i: a p95 read from the histogram never undershoots. */
function upperEdge(i: number): number {
  return 2 ** ((i + 1) / 4);
}

/**
 * The hedge delay of one route (docs/proxying.md, "Hedging"): fixed, or 'auto' — the p95 of the
 * route's recent times to first byte, at least `min_delay`. Hedging at the p95 sends at most about
 * one request in twenty twice when nothing is wrong (Dean and Barroso, "The Tail at Scale"), and a
 * host that turns slow costs its requests the delay plus a peer's answer.
 *
 * Two fixed histograms (this window and the last), swapped, never reallocated; the percentile is
 * recomputed every few samples, so reading the delay costs a field read.
 */
export class HedgeDelay {
  readonly #fixed: number;
  readonly #min: number;
  #cur = new Uint32Array(BUCKETS);
  #prev = new Uint32Array(BUCKETS);
  #curN = 0;
  #prevN = 0;
  #windowEnd = Number.NEGATIVE_INFINITY;
  #sinceCompute = 0;
  /** The delay in ms. */
  ms: number;

  constructor(cfg: Pick<HedgeConfig, 'delay' | 'min_delay'>) {
    this.#fixed = cfg.delay === 'auto' ? 0 : cfg.delay;
    this.#min = cfg.min_delay;
    this.ms = this.#fixed > 0 ? this.#fixed : Math.max(this.#min, WARMUP_MS);
  }

  /** A try's time to first byte, seen at `now` (the gateway's clock). */
  record(latencyMs: number, now: number): void {
    if (this.#fixed > 0) return;
    if (now >= this.#windowEnd) this.#rotate(now);
    this.#cur[bucketOf(latencyMs)]!++;
    this.#curN++;
    if (++this.#sinceCompute >= RECOMPUTE_EVERY) this.#compute();
  }

  #rotate(now: number): void {
    const stale = now >= this.#windowEnd + WINDOW_MS; // more than a window without a sample
    const old = this.#prev;
    this.#prev = this.#cur;
    this.#prevN = this.#curN;
    this.#cur = old;
    this.#cur.fill(0);
    this.#curN = 0;
    if (stale) {
      this.#prev.fill(0);
      this.#prevN = 0;
    }
    this.#windowEnd = now + WINDOW_MS;
    this.#compute();
  }

  #compute(): void {
    this.#sinceCompute = 0;
    const n = this.#curN + this.#prevN;
    if (n < MIN_SAMPLES) {
      this.ms = Math.max(this.#min, WARMUP_MS);
      return;
    }
    const target = Math.ceil(0.95 * n);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#cur[i]! + this.#prev[i]!;
      if (seen >= target) {
        this.ms = Math.max(this.#min, Math.ceil(upperEdge(i)));
        return;
      }
    }
  }
}
