/**
 * A retry budget in the style of Envoy's `retry_budget`: retries in flight may be at most
 * `max(minConcurrent, floor(ratio * activeRequests))`. A fixed "3 attempts" policy multiplies an
 * outage's load by 3; a budget caps the extra load at a share of real traffic, while
 * `minConcurrent` keeps retries possible when traffic is low.
 *
 * The caller decides what counts as an active request (the pool counts client requests, and
 * hedges take retry slots too — docs/proxying.md, "Hedging").
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #min: number;
  #active = 0;
  #retries = 0;

  constructor(opts: { ratio: number; minConcurrent: number }) {
    if (!(opts.ratio >= 0)) throw new RangeError(`RetryBudget: ratio must be >= 0, got ${opts.ratio}`);
    if (!(Number.isInteger(opts.minConcurrent) && opts.minConcurrent >= 0)) {
      throw new RangeError(`RetryBudget: minConcurrent must be an integer >= 0, got ${opts.minConcurrent}`);
    }
    this.#ratio = opts.ratio;
    this.#min = opts.minConcurrent;
  }

  requestStarted(): void {
    this.#active++;
  }

  requestFinished(): void {
    if (this.#active > 0) this.#active--;
  }

  /** Takes a retry slot if the budget allows; pair every `true` with releaseRetry(). */
  tryAcquireRetry(): boolean {
    if (this.#retries >= this.maxRetries) return false;
    this.#retries++;
    return true;
  }

  releaseRetry(): void {
    if (this.#retries > 0) this.#retries--;
  }

  get activeRequests(): number {
    return this.#active;
  }

  get activeRetries(): number {
    return this.#retries;
  }

  get maxRetries(): number {
    return Math.max(this.#min, Math.floor(this.#ratio * this.#active));
  }
}
