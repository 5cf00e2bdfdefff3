import type { Clock } from './clock.js';

/**
 * A time-bucketed rolling counter: how many requests (and how many of them failed) were recorded
 * over the last `windowMs`, at the granularity of one bucket (`windowMs / buckets`).
 *
 * Hot path (docs/architecture.md, "No allocation on the hot path"): three fixed typed arrays
 * allocated once; buckets are rotated lazily when they are touched, so there is no timer and no
 * allocation per record. A bucket is keyed by its epoch `floor(now / bucketMs)`; a slot whose epoch
 * is older than the window is stale and reads as zero. Counting is exact at bucket granularity:
 * `totals()` covers the current bucket and the `buckets - 1` before it.
 */
export class RollingCounter {
  readonly #bucketMs: number;
  readonly #n: number;
  readonly #epochs: Float64Array;
  readonly #totals: Float64Array;
  readonly #failures: Float64Array;
  readonly #clock: Clock;
  /** Epochs of the latest record and of the latest failure: mayHaveFailures() without a clock read. */
  #lastEpoch = Number.NEGATIVE_INFINITY;
  #lastFailureEpoch = Number.NEGATIVE_INFINITY;

  constructor(opts: { windowMs: number; buckets: number }, clock: Clock) {
    if (!(opts.windowMs > 0))
      throw new RangeError(`RollingCounter: windowMs must be > 0, got ${opts.windowMs}`);
    if (!Number.isInteger(opts.buckets) || opts.buckets < 1) {
      throw new RangeError(`RollingCounter: buckets must be an integer >= 1, got ${opts.buckets}`);
    }
    this.#n = opts.buckets;
    this.#bucketMs = opts.windowMs / opts.buckets;
    this.#epochs = new Float64Array(this.#n).fill(Number.NEGATIVE_INFINITY);
    this.#totals = new Float64Array(this.#n);
    this.#failures = new Float64Array(this.#n);
    this.#clock = clock;
  }

  record(failure: boolean): void {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs);
    const slot = ((epoch % this.#n) + this.#n) % this.#n;
    if (this.#epochs[slot] !== epoch) {
      // Lazy rotation: the slot still holds an older bucket (or, if the clock went back, a newer one).
      this.#epochs[slot] = epoch;
      this.#totals[slot] = 0;
      this.#failures[slot] = 0;
    }
    this.#totals[slot]! += 1;
    if (failure) {
      this.#failures[slot]! += 1;
      this.#lastFailureEpoch = epoch;
    }
    this.#lastEpoch = epoch;
  }

  /**
   * False when no failure recorded so far can be inside the window as of the latest record():
   * O(1), no clock read. Lets a caller skip totals() on the common all-success path.
   */
  mayHaveFailures(): boolean {
    return this.#lastEpoch - this.#lastFailureEpoch < this.#n;
  }

  /** Counts over the last window; O(buckets), allocation-free apart from the returned pair. */
  totals(): { total: number; failures: number } {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs);
    const oldest = epoch - this.#n;
    let total = 0;
    let failures = 0;
    for (let i = 0; i < this.#n; i++) {
      const e = this.#epochs[i]!;
      if (e > oldest && e <= epoch) {
        total += this.#totals[i]!;
        failures += this.#failures[i]!;
      }
    }
    return { total, failures };
  }

  reset(): void {
    this.#lastFailureEpoch = Number.NEGATIVE_INFINITY;
    this.#epochs.fill(Number.NEGATIVE_INFINITY);
    this.#totals.fill(0);
    this.#failures.fill(0);
  }
}
