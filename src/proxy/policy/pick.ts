import type { HashKeyExtractor } from '../balancer/hash-key.js';
import type { PickContext } from '../balancer/types.js';
import { Link } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { UpstreamHost, UpstreamPool } from '../upstream/types.js';

/**
 * Balancer pick among the pool's candidates (healthy, not ejected, breaker not open — or all
 * hosts in panic mode), avoiding hosts this request already tried. A host whose breaker refuses
 * the try (HALF_OPEN with its probe slots taken, or just re-opened) is skipped for another; when
 * every host refuses, the answer is 503 KEEL_ERR_BREAKER_OPEN with Retry-After from the soonest
 * breaker to reopen; an empty pool answers 503 KEEL_ERR_NO_HEALTHY_HOST. The chosen host, its
 * pool slot taken, is handed to the forward link in `ex.nextTry` (handover.ts).
 */
export class PickLink extends Link<Exchange> {
  readonly #pool: UpstreamPool;
  readonly #key: HashKeyExtractor | null;
  /** Reused for every pick: picks are synchronous and never re-entered. */
  readonly #ctx: PickContext = { key: undefined, exclude: undefined };

  constructor(pool: UpstreamPool, key: HashKeyExtractor | null) {
    super();
    this.#pool = pool;
    this.#key = key;
  }

  dispatch(ex: Exchange): void {
    const pool = this.#pool;
    const ctx = this.#ctx;
    // ring_hash only: reading req.headers builds node's header object, so other pools skip it.
    ctx.key = this.#key === null ? undefined : this.#key(ex.req.headers, ex.target);
    ctx.exclude = ex.tried ?? undefined;
    const host = pool.pick(ctx);
    ctx.exclude = undefined;
    if (host === undefined) {
      this.up.fail(ex, null, 'other', 'KEEL_ERR_NO_HEALTHY_HOST');
      return;
    }
    if (pool.tryStart(host)) {
      ex.nextTry.host = host;
      this.next.dispatch(ex);
      return;
    }
    this.#another(ex, host);
  }

  /**
   * Slow path: the first choice's breaker refused. Try the others, each at most once; hosts this
   * request already tried come last (they are better than a 503), refused ones never again.
   */
  #another(ex: Exchange, first: UpstreamHost): void {
    const pool = this.#pool;
    const ctx = this.#ctx;
    const refused = new Set<string>([first.id]);
    let exclude = new Set<string>(ex.tried ?? undefined);
    exclude.add(first.id);
    let soonest = first.breaker?.retryAfterMs() ?? 0;
    for (let i = 0; i < 2 * pool.hosts.length; i++) {
      ctx.exclude = exclude;
      const host = pool.pick(ctx);
      ctx.exclude = undefined;
      if (host === undefined) break;
      if (refused.has(host.id)) {
        // The balancer picks among all once every host is excluded.
        if (exclude === refused) break;
        exclude = refused;
        continue;
      }
      if (pool.tryStart(host)) {
        ex.nextTry.host = host;
        this.next.dispatch(ex);
        return;
      }
      refused.add(host.id);
      exclude.add(host.id);
      const after = host.breaker?.retryAfterMs() ?? 0;
      if (after > 0 && (soonest === 0 || after < soonest)) soonest = after;
    }
    ex.retryAfterMs = soonest;
    this.up.fail(ex, null, 'breaker_open', 'KEEL_ERR_BREAKER_OPEN');
  }
}
