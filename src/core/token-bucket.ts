import type { Clock } from './clock.js';

/**
 * A token bucket: holds at most `burst` tokens and refills at `ratePerSec`. Refill is computed
 * lazily from the clock on each call — no timer, no allocation.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #lastAt: number;

  constructor(opts: { ratePerSec: number; burst: number }, clock: Clock) {
    if (!(opts.ratePerSec >= 0))
      throw new RangeError(`TokenBucket: ratePerSec must be >= 0, got ${opts.ratePerSec}`);
    if (!(opts.burst > 0)) throw new RangeError(`TokenBucket: burst must be > 0, got ${opts.burst}`);
    this.#rate = opts.ratePerSec;
    this.#burst = opts.burst;
    this.#clock = clock;
    this.#tokens = opts.burst; // start full: a fresh bucket allows one burst
    this.#lastAt = clock.now();
  }

  tryTake(n = 1): boolean {
    this.#refill();
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#clock.now();
    const dt = now - this.#lastAt;
    this.#lastAt = now;
    // A clock that stepped back refills nothing (and does not take tokens away).
    if (dt > 0) this.#tokens = Math.min(this.#burst, this.#tokens + (dt * this.#rate) / 1000);
  }
}
