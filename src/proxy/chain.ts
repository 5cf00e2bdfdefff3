import type { PoolConfig, RouteConfig } from '../config/types.js';
import { hashKeyExtractor } from './balancer/hash-key.js';
import { BrowserCacheLink } from './cache/browser.js';
import type { EdgeCache } from './cache/edge.js';
import { CacheLink } from './cache/link.js';
import type { Link, Sink } from './contracts.js';
import type { Exchange, GatewayContext } from './exchange.js';
import { ForwardLink } from './forward.js';
import { RouteBreaker, RouteBreakerLink } from './policy/breaker.js';
import { BulkheadLink } from './policy/bulkhead.js';
import { DeadlineLink } from './policy/deadline.js';
import { EndpointLink } from './policy/endpoint.js';
import { HedgeLink } from './policy/hedge.js';
import { HstsLink } from './policy/hsts.js';
import { PickLink } from './policy/pick.js';
import { RetryLink } from './policy/retry.js';
import { responder } from './respond.js';
import type { CompiledRoute } from './snapshot.js';
import { TraceLink, type TraceSetup, TryTraceLink } from './trace/links.js';
import type { UpstreamPool } from './upstream/types.js';

/**
 * Builds a route's chain once per config version (docs/architecture.md, "The request path"):
 *
 *   [hsts] → [trace] → [cache | browser] → deadline → [endpoint] → bulkhead → retry | hedge
 *     → route breaker → pick (+ host breaker) → [try trace] → forward
 *
 * The cache sits above every policy: a hit costs none of them, and a failure reaches it only
 * once retries and breakers have given up, which is when stale-if-error answers
 * (docs/caching.md, "What a request goes through").
 *
 * A disabled feature is not in the chain (docs/architecture.md, "Decide at setup"): no deadline
 * link for timeout 0, no bulkhead for an unlimited pool, no retry link when neither retry nor
 * hedging is on, no breaker link without route.breaker. The bulkhead sits outside retry (so a
 * request holds one slot for all its tries); the route breaker sits inside it (so it judges every
 * try). The endpoint breaker sits below the cache (a refusal can still be answered stale) and
 * above the bulkhead and retries (a refusal costs no slot, a probe is one request; docs/health.md,
 * "Endpoints").
 * `breaker` is the route breaker to use (kept across reloads when its config is unchanged);
 * `trace` is the config version's tracing setup, null when tracing is off (then neither trace
 * link is in the chain and trace headers pass through untouched).
 */
export function compileRoute(
  route: RouteConfig,
  pool: UpstreamPool,
  poolConfig: PoolConfig,
  breaker: RouteBreaker | null,
  trace: TraceSetup | null = null,
  cache: { edge: EdgeCache; via: string } | null = null,
): CompiledRoute {
  const links: Array<Link<Exchange>> = [];
  // First, so that every answer of the route carries it, a cache hit's included (policy/hsts.ts).
  if (route.hsts !== null) links.push(new HstsLink(route.hsts));
  if (trace !== null) links.push(new TraceLink(trace));
  const rc = route.cache;
  const browser = route.browser_cache;
  if (rc?.enabled && cache !== null) {
    links.push(
      new CacheLink(route.name, cache.edge, rc, {
        freshness:
          rc.heuristic_fraction > 0
            ? { heuristicFraction: rc.heuristic_fraction, targeted: rc.targeted_fields }
            : { targeted: rc.targeted_fields },
        strip: rc.strip_targeted,
        via: cache.via,
        browser:
          browser === null ? null : { cacheControl: browser.cache_control, override: browser.override },
      }),
    );
  } else if (browser !== null) {
    links.push(new BrowserCacheLink(browser));
  }
  if (route.timeout > 0) links.push(new DeadlineLink(route.timeout));
  const eb = route.endpoint_breaker;
  if (eb.enabled) links.push(new EndpointLink(pool.endpoints(route.name, route.match.path_prefix, eb)));
  if (pool.limiter !== null) {
    links.push(new BulkheadLink(pool.limiter, poolConfig.concurrency.queue_timeout, pool.name, route.name));
  }
  if (route.hedge.enabled && route.hedge.max_hedges > 0) {
    links.push(new HedgeLink(route.hedge, route.retry, pool, route.name));
  } else if (route.retry.enabled && route.retry.max_attempts > 1) {
    links.push(new RetryLink(route.retry, pool, route.name));
  }
  if (breaker !== null) links.push(new RouteBreakerLink(breaker));
  const hashKey = poolConfig.balancer.algorithm === 'ring_hash' ? poolConfig.balancer.hash_key : null;
  links.push(new PickLink(pool, hashKey === null ? null : hashKeyExtractor(hashKey)));
  if (trace !== null) links.push(new TryTraceLink(trace.ids));
  links.push(new ForwardLink(pool, poolConfig.timeouts.first_byte, poolConfig.timeouts.idle));
  return {
    name: route.name,
    match: route.match,
    config: route,
    pool,
    chain: compose(responder, links),
    maxBody: route.max_body_bytes,
  };
}

/** Wires links top (client side) to bottom (upstream side) under `top`; returns the entry link. */
export function compose<X>(top: Sink<X>, links: ReadonlyArray<Link<X>>): Link<X> {
  if (links.length === 0) throw new RangeError('compose: a chain needs at least one link');
  let up: Sink<X> = top;
  for (let i = 0; i < links.length; i++) {
    const l = links[i]!;
    l.up = up;
    if (i + 1 < links.length) l.next = links[i + 1]!;
    up = l;
  }
  return links[0]!;
}

/** The route breaker for a route, or null when the route has none (or it is disabled). */
export function routeBreakerFor(route: RouteConfig, gw: GatewayContext): RouteBreaker | null {
  const b = route.breaker;
  if (b === null || !b.enabled) return null;
  return new RouteBreaker(route.name, route.pool, b, gw.clock, gw.events);
}
