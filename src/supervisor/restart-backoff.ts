/**
 * When to restart a crashed worker: exponential backoff (base doubling to max), reset once a
 * worker has stayed up for resetAfterMs — so a crash loop does not spin the CPU, and one crash
 * after a long healthy run restarts quickly.
 */
import type { Clock } from '../core/clock.js';

export interface RestartBackoffOptions {
  baseMs: number; // 100
  maxMs: number; // 10_000
  resetAfterMs: number; // 30_000
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = {
  baseMs: 100,
  maxMs: 10_000,
  resetAfterMs: 30_000,
};

export class RestartBackoff {
  readonly #opts: RestartBackoffOptions;
  readonly #clock: Clock;
  #failures = 0;
  #startedAt: number;

  constructor(opts: RestartBackoffOptions, clock: Clock) {
    this.#opts = opts;
    this.#clock = clock;
    this.#startedAt = clock.now();
  }

  /** The worker (re)started now. */
  started(): void {
    this.#startedAt = this.#clock.now();
  }

  /** The worker died: how long to wait before starting it again. */
  exited(): number {
    if (this.#clock.now() - this.#startedAt >= this.#opts.resetAfterMs) this.#failures = 0;
    const delay = Math.min(this.#opts.maxMs, this.#opts.baseMs * 2 ** this.#failures);
    this.#failures++;
    return delay;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }
}
