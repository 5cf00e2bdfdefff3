import type { RouteCacheConfig } from '../../config/types.js';
import { CLOSED, type Link } from '../contracts.js';
import { Exchange } from '../exchange.js';
import { detachedResponse } from '../messages.js';
import type { Capture } from './capture.js';
import { type Coalescer, STORED_MEANWHILE } from './coalesce.js';
import { CacheJob, HAS_CACHE_CONTROL, REFRESH } from './job.js';
import type { Prepared } from './prepared.js';
import { revalidated } from './publish.js';
import { withValidators } from './rewrite.js';
import { staleForbidden } from './semantics/index.js';

/**
 * What a background refresh takes from the request that started it: who the request is (its
 * id, trace context and the listener kind it came in on) and where it is routed. Every other field of the Exchange is the
 * refresh's own — outcome, tries, timers, queue, cache state — and starts as a new exchange's
 * does. refresh.test.ts lists those, and fails on an Exchange field that is in neither list.
 */
export const SHARED_WITH_REFRESH = [
  'host',
  'requestId',
  'traceId',
  'spanId',
  'parentSpanId',
  'traceFlags',
  'traceState',
  'route',
  'target',
  'clientTarget',
  'front',
] as const satisfies ReadonlyArray<keyof Exchange>;

type Shared = (typeof SHARED_WITH_REFRESH)[number];

/** The detached exchange of a refresh: same request, no client (its response goes nowhere). */
export function detachedExchange(ex: Exchange, now: number): Exchange {
  const rex = new Exchange(ex.req, detachedResponse(ex.req), ex.snap, ex.gw, now);
  for (const k of SHARED_WITH_REFRESH) share(rex, ex, k);
  return rex;
}

function share<K extends Shared>(to: Exchange, from: Exchange, k: K): void {
  to[k] = from[k];
}

/**
 * stale-while-revalidate (RFC 5861 §3): one background revalidation per key, as a detached
 * exchange through the rest of the chain (deadline, bulkhead, retries, breakers). It has no
 * client; its answer only updates the store (through the link's ordinary response path, as a
 * REFRESH job), and it holds the key's lead, so clients missing meanwhile wait for it.
 */
export class Refresh {
  readonly #route: string;
  readonly #fills: Coalescer;
  readonly #lockTimeoutMs: number;
  /** The route's default stale-while-revalidate window, ms (docs/caching.md). */
  readonly #windowMs: number;

  constructor(route: string, fills: Coalescer, config: RouteCacheConfig) {
    this.#route = route;
    this.#fills = fills;
    this.#lockTimeoutMs = config.lock_timeout;
    this.#windowMs = config.stale_while_revalidate;
  }

  /**
   * The route's default window covers stale `p` (`ttl` s, negative): the response names no
   * window of its own, allows stale answers, and the client asked nothing particular.
   */
  routeWindowCovers(job: CacheJob, p: Prepared, ttl: number): boolean {
    return (
      this.#windowMs > 0 &&
      (job.hints & HAS_CACHE_CONTROL) === 0 &&
      p.cc.staleWhileRevalidate === undefined &&
      !staleForbidden(p.cc) &&
      -ttl * 1000 <= this.#windowMs
    );
  }

  /** Refreshes stale `p`, found for `ex`, through `next`; nothing when its key is being fetched. */
  start(ex: Exchange, job: CacheJob, p: Prepared, next: Link<Exchange>): void {
    // The key the stale entry was found under: a Vary variant is led as a miss of it would be.
    const lease = this.#fills.lead(job.storeKey || job.key, this.#lockTimeoutMs, job.seen);
    if (lease === null || lease === STORED_MEANWHILE) return; // being fetched, or fetched already
    const rex = detachedExchange(ex, ex.gw.clock.now());
    rex.upHeaders = withValidators(ex.upHeaders, p.headers);
    const rjob = new CacheJob(REFRESH, job.key, job.hints, job.fields);
    rjob.stored = p;
    rjob.storeKey = job.storeKey;
    rjob.gen = job.gen;
    rjob.lead = lease;
    rex.cacheJob = rjob;
    rex.cacheOutcome = 'expired';
    ex.route?.pool.retryBudget.requestStarted();
    try {
      next.dispatch(rex);
    } catch {
      this.finish(rex, rjob);
    }
  }

  /**
   * The origin sent a new response to the refresh: it is read into the store when `cap` is not
   * null (true: the head is taken), else the refresh ends (false: the head is discarded).
   */
  modified(rex: Exchange, job: CacheJob, cap: Capture | null): boolean {
    revalidated(rex, this.#route, 'modified', true);
    if (cap === null) {
      this.#finishSoon(rex, job);
      return false;
    }
    cap.relay = false;
    rex.capture = cap;
    return true;
  }

  /**
   * The refresh failed: an error answer (`status`, its head discarded) or a failed try (0). The
   * stale copy stays stored for the next try; the detached exchange just ends.
   */
  failed(rex: Exchange, job: CacheJob, status: number): void {
    revalidated(rex, this.#route, 'failed', true);
    if (status > 0) this.#finishSoon(rex, job);
    else this.finish(rex, job);
  }

  /** A background exchange's bookkeeping, as Gateway.finished does for client exchanges. */
  finish(rex: Exchange, job: CacheJob): void {
    if (rex.state === CLOSED) return;
    rex.state = CLOSED;
    rex.stop();
    if (rex.slot !== null) {
      const slot = rex.slot;
      rex.slot = null;
      slot.release();
    }
    rex.route?.pool.retryBudget.requestFinished();
    job.releaseLead();
  }

  /** finish, once the try whose head is being discarded has returned. */
  #finishSoon(rex: Exchange, job: CacheJob): void {
    queueMicrotask(() => this.finish(rex, job));
  }
}
