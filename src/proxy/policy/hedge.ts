import { IDEMPOTENT_METHODS } from '../../config/defaults.js';
import type { HedgeConfig, RetryConfig } from '../../config/types.js';
import { OPEN, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { UpstreamPool } from '../upstream/types.js';
import { RetryLink } from './retry.js';

const IDEMPOTENT: ReadonlySet<string> = new Set(IDEMPOTENT_METHODS);

/**
 * Hedged requests (docs/proxying.md, "Hedging"): for an idempotent request without a body, when no
 * response head has arrived `hedge.delay` after a try started, up to `max_hedges` extra tries go
 * to other hosts, each taking a retry-budget token. The first head wins; the other tries are
 * aborted, and the pool ignores an aborted try (no breaker or outlier verdict). It includes the
 * retry behaviour of RetryLink (with retries disabled when the route's retry is).
 */
export class HedgeLink extends RetryLink {
  readonly #delay: number;
  readonly #max: number;

  constructor(hedge: HedgeConfig, retry: RetryConfig, pool: UpstreamPool, routeName: string) {
    super(retry.enabled ? retry : { ...retry, max_attempts: 1 }, pool, routeName);
    this.#delay = hedge.delay;
    this.#max = hedge.max_hedges;
  }

  protected override startTry(ex: Exchange): void {
    super.startTry(ex);
    if (ex.hedgeTimer === null && ex.hedges < this.#max && ex.body === null && IDEMPOTENT.has(ex.method)) {
      if (ex.state === OPEN && ex.live.length > 0)
        ex.hedgeTimer = setTimeout(fireHedge, this.#delay, this, ex);
    }
  }

  protected override commit(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    const committed = super.commit(ex, t, status, raw);
    if (committed) {
      if (ex.hedgeTimer !== null) {
        clearTimeout(ex.hedgeTimer);
        ex.hedgeTimer = null;
      }
      const live = ex.live;
      if (live.length > 1) {
        const losers = live.filter((x) => x !== t);
        for (let i = 0; i < losers.length; i++) losers[i]!.abort('aborted');
      }
    }
    return committed;
  }

  runHedge(ex: Exchange): void {
    ex.hedgeTimer = null;
    // Nothing to hedge while a retry waits in backoff, or once the request is answered.
    if (ex.state !== OPEN || ex.live.length === 0 || ex.hedges >= this.#max) return;
    if (!this.admit(ex, 'hedge', 0)) return;
    ex.hedges++;
    ex.nextTry.hedge = true;
    this.startTry(ex);
  }
}

function fireHedge(link: HedgeLink, ex: Exchange): void {
  link.runHedge(ex);
}
