import type { Clock } from './clock.js';

/**
 * A time-decayed exponentially weighted moving average (the latency signal of p2c_ewma and of
 * latency outlier ejection).
 *
 * On each sample the previous value keeps weight `2^(-dt / halfLifeMs)`, where dt is the time
 * since the previous sample: a host's history halves every half-life whatever its request rate,
 * and after a long silence the next sample dominates. The first sample sets the value.
 *
 * Samples that arrive at the same clock reading (common with a millisecond clock under load) are
 * averaged together against the value before that instant, instead of the later ones getting
 * weight 0; with strictly increasing timestamps this is exactly the formula above.
 */
export class Ewma {
  readonly #halfLifeMs: number;
  readonly #clock: Clock;
  #value = 0;
  #count = 0;
  #lastAt = 0;
  /** Value before the current instant, that instant's decay weight, and its samples' sum/count. */
  #base = 0;
  #baseWeight = 0;
  #instantSum = 0;
  #instantN = 0;
  #instantMin = 0;
  #instantMax = 0;

  constructor(opts: { halfLifeMs: number }, clock: Clock) {
    if (!(opts.halfLifeMs > 0)) throw new RangeError(`Ewma: halfLifeMs must be > 0, got ${opts.halfLifeMs}`);
    this.#halfLifeMs = opts.halfLifeMs;
    this.#clock = clock;
  }

  update(sample: number): void {
    if (!Number.isFinite(sample)) return; // one NaN would poison the average forever
    const now = this.#clock.now();
    if (this.#count === 0) {
      this.#base = 0;
      this.#baseWeight = 0;
      this.#instantSum = 0;
      this.#instantN = 0;
      this.#lastAt = now;
    } else if (now > this.#lastAt) {
      this.#base = this.#value;
      this.#baseWeight = 2 ** (-(now - this.#lastAt) / this.#halfLifeMs);
      this.#instantSum = 0;
      this.#instantN = 0;
      this.#lastAt = now;
    }
    // now <= lastAt: the same instant (or a clock that stepped back): join the current instant.
    if (this.#instantN === 0 || sample < this.#instantMin) this.#instantMin = sample;
    if (this.#instantN === 0 || sample > this.#instantMax) this.#instantMax = sample;
    this.#instantSum += sample;
    this.#instantN++;
    this.#count++;
    const w = this.#baseWeight;
    const v = w * this.#base + (1 - w) * (this.#instantSum / this.#instantN);
    // A weighted mean lies between its inputs, but rounding can step outside them: with subnormal
    // samples 0.5·x + 0.5·x rounds below x (found by the property test). Clamp to the inputs.
    const lo = w > 0 ? Math.min(this.#base, this.#instantMin) : this.#instantMin;
    const hi = w > 0 ? Math.max(this.#base, this.#instantMax) : this.#instantMax;
    this.#value = Math.min(Math.max(v, lo), hi);
  }

  /** 0 when no sample has been seen since construction or reset. */
  get value(): number {
    return this.#value;
  }

  get count(): number {
    return this.#count;
  }

  /** Clock reading of the latest sample; meaningless while count is 0. */
  get lastAt(): number {
    return this.#lastAt;
  }

  reset(): void {
    this.#value = 0;
    this.#count = 0;
  }
}
