import { IDEMPOTENT_METHODS } from '../../config/defaults.js';
import type { HedgeConfig, RetryConfig } from '../../config/types.js';
import { OPEN, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { UpstreamPool } from '../upstream/types.js';
import { HedgeDelay } from './hedge-delay.js';
import { HedgeQueue } from './hedge-queue.js';
import { RetryLink } from './retry.js';

const IDEMPOTENT: ReadonlySet<string> = new Set(IDEMPOTENT_METHODS);

/**
 * Hedged requests (docs/proxying.md, "Hedging"): for an idempotent request without a body, when no
 * response head has arrived `hedge.delay` after a try started, up to `max_hedges` extra tries go
 * to other hosts, each taking a retry-budget token. The delay is fixed, or 'auto': the route's
 * recent p95 time to first byte, floored (hedge-delay.ts). The first head wins; the other tries are
 * aborted, and the pool takes a lost try's elapsed time as a lower bound of its host's latency.
 * A hedge the budget refuses is asked again a little later while the request still waits: the
 * moment a host turns slow is a burst of them, and each token comes back within a peer's answer.
 * An endpoint whose breaker is not closed is not hedged (its one probe stays one request).
 * It includes the retry behaviour of RetryLink (with retries disabled when the route's retry is).
 *
 * No timer per request: the requests waiting for their hedge time share one (hedge-queue.ts).
 */
export class HedgeLink extends RetryLink {
  readonly #delay: HedgeDelay;
  readonly #max: number;
  readonly #queue: HedgeQueue<Exchange>;
  /** How soon a hedge the budget refused is asked again. */
  readonly #again: number;

  constructor(hedge: HedgeConfig, retry: RetryConfig, pool: UpstreamPool, routeName: string) {
    super(retry.enabled ? retry : { ...retry, max_attempts: 1 }, pool, routeName);
    this.#delay = new HedgeDelay(hedge);
    this.#max = hedge.max_hedges;
    const floor = hedge.delay === 'auto' ? hedge.min_delay : hedge.delay;
    this.#again = Math.max(5, Math.floor(floor / 4));
    this.#queue = new HedgeQueue<Exchange>((ex, now) => this.runHedge(ex, now), this.#again);
  }

  /** The current delay (ms): fixed, or the route's p95 (tests, the admin view). */
  get delayMs(): number {
    return this.#delay.ms;
  }

  protected override startTry(ex: Exchange): void {
    super.startTry(ex);
    if (ex.hedges < this.#max && ex.body === null && IDEMPOTENT.has(ex.method)) {
      const live = ex.live;
      if (ex.state === OPEN && live.length > 0) {
        const started = live[live.length - 1]!.started;
        this.#queue.push(ex, started + this.#delay.ms, started);
      }
    }
  }

  override head(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    // Answers, not failures, make the route's latency profile.
    if (status < 500 && t.headMs >= 0) this.#delay.record(t.headMs, t.started + t.headMs);
    return super.head(ex, t, status, raw);
  }

  protected override commit(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    const committed = super.commit(ex, t, status, raw);
    if (committed) {
      const live = ex.live;
      if (live.length > 1) {
        const losers = live.filter((x) => x !== t);
        for (let i = 0; i < losers.length; i++) losers[i]!.abort('aborted');
      }
    }
    return committed;
  }

  /** The hedge time of `ex` came (HedgeQueue). */
  runHedge(ex: Exchange, now: number): void {
    // Nothing to hedge while a retry waits in backoff, or once the request is answered.
    if (ex.state !== OPEN || ex.live.length === 0 || ex.hedges >= this.#max) return;
    if (ex.endpoint !== null && !ex.endpoint.closed) return;
    const refused = this.admit(ex, 'hedge', 0);
    if (refused === 'budget') {
      this.#queue.push(ex, now + this.#again, now);
      return;
    }
    if (refused !== '') return;
    ex.hedges++;
    ex.nextTry.hedge = true;
    this.startTry(ex);
  }
}
