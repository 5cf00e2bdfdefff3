import type { CacheControl } from './directives.js';
import { requestDirectives, responseDirectives } from './effective.js';
import type { CacheRequest } from './fields.js';
import { currentAge, type FreshnessOptions, freshnessLifetime, type StoredResponse } from './freshness.js';

/**
 * What to do with a stored response that matched a request (RFC 9111 §4):
 * - 'fresh': answer from the cache.
 * - 'stale': answer stale, allowed by the request's max-stale (§5.2.1.2).
 * - 'stale-while-revalidate': answer stale and refresh in the background (RFC 5861 §3).
 * - 'revalidate': send a conditional request upstream first (§4.3).
 * - 'only-if-cached-miss': answer 504 without contacting upstream (§5.2.1.7).
 */
export type LookupKind = 'fresh' | 'stale' | 'stale-while-revalidate' | 'revalidate' | 'only-if-cached-miss';

export interface LookupDecision {
  readonly kind: LookupKind;
  /** current_age, seconds (§4.2.3). */
  readonly age: number;
  /** freshness_lifetime − current_age, seconds; negative when stale (RFC 9211 ttl). */
  readonly ttl: number;
}

/** §4.2.4: explicit directives that forbid serving this response stale. */
export function staleForbidden(res: CacheControl): boolean {
  // §5.2.2.8 proxy-revalidate and §5.2.2.10 s-maxage carry must-revalidate for a shared cache.
  return res.noCache || res.mustRevalidate || res.proxyRevalidate || res.sMaxAge !== undefined;
}

/** Decide how to use a stored response for a request at `now` (ms). */
export function decideLookup(
  req: CacheRequest,
  stored: StoredResponse,
  now: number,
  opts: FreshnessOptions = {},
): LookupDecision {
  const q = requestDirectives(req.headers);
  const r = responseDirectives(stored.headers, opts.targeted);
  const age = currentAge(stored, now);
  const ttl = freshnessLifetime(stored, opts, r) - age;
  const upstream = (): LookupDecision => ({
    kind: q.onlyIfCached ? 'only-if-cached-miss' : 'revalidate',
    age,
    ttl,
  });
  // §5.2.1.4 request no-cache and §5.2.2.4 response no-cache: always validate first.
  if (q.noCache || r.noCache) return upstream();
  // RFC 8246 §2: an immutable response is not revalidated while fresh, whatever age the client
  // accepts (a browser's reload sends max-age=0); a forced reload (no-cache) still revalidates.
  if (r.immutable && ttl > 0) return { kind: 'fresh', age, ttl };
  // §5.2.1.1: the client does not accept an age above its max-age (invalid → 0).
  if (q.maxAge !== undefined && age > Math.max(0, q.maxAge)) {
    if (!(ttl <= 0 && staleOk(q, r, -ttl))) return upstream();
  }
  // §5.2.1.3: min-fresh asks for at least this much remaining freshness.
  if (q.minFresh !== undefined && ttl < Math.max(0, q.minFresh)) return upstream();
  if (ttl > 0) return { kind: 'fresh', age, ttl };
  const staleness = -ttl;
  if (staleOk(q, r, staleness)) return { kind: 'stale', age, ttl };
  // §4.2.4 applies: RFC 5861 §3 allows stale-while-revalidate only where stale answers are allowed.
  if (!staleForbidden(r) && !q.onlyIfCached && r.staleWhileRevalidate !== undefined) {
    if (staleness <= Math.max(0, r.staleWhileRevalidate)) return { kind: 'stale-while-revalidate', age, ttl };
  }
  // §5.2.1.7: with only-if-cached, a stale response that cannot be served → 504; §4.2.4 lets a
  // cache serve stale when disconnected, but only-if-cached does not say the client accepts stale.
  return upstream();
}

/** §5.2.1.2 max-stale: the client accepts this much staleness, unless the response forbids it. */
function staleOk(q: CacheControl, r: CacheControl, staleness: number): boolean {
  if (q.maxStale === undefined || staleForbidden(r)) return false;
  return staleness <= Math.max(0, q.maxStale);
}

/** What to answer on a miss (no usable stored response): §5.2.1.7 only-if-cached → 504. */
export function decideMiss(req: CacheRequest): 'forward' | 'only-if-cached-miss' {
  return requestDirectives(req.headers).onlyIfCached ? 'only-if-cached-miss' : 'forward';
}

/**
 * Why the upstream could not answer: all of them let stale-if-error apply (RFC 5861 §4;
 * docs/caching.md, "What a request goes through").
 */
export type UpstreamFailure = 'error' | 'timeout' | 'breaker-open' | 'status-5xx';

/**
 * RFC 5861 §4 stale-if-error: when revalidation or a forward fails (an error, a timeout, an open
 * breaker, or a 500/502/503/504 answer), a stale response may be served within the window given
 * by the response or the request directive. §4.2.4: never when must-revalidate, proxy-revalidate,
 * s-maxage or no-cache forbid stale answers (§5.2.2.2 then requires a 504-class error).
 */
export function canServeStaleOnError(
  req: CacheRequest,
  stored: StoredResponse,
  now: number,
  opts: FreshnessOptions = {},
): boolean {
  const r = responseDirectives(stored.headers, opts.targeted);
  if (staleForbidden(r)) return false;
  const q = requestDirectives(req.headers);
  const staleness = currentAge(stored, now) - freshnessLifetime(stored, opts, r);
  if (staleness <= 0) return true; // still fresh: serving it is ordinary
  const window = Math.max(q.staleIfError ?? -1, r.staleIfError ?? -1);
  return window >= 0 && staleness <= window;
}

/** RFC 5861 §4: the statuses that count as an error for stale-if-error. */
export function isErrorStatus(status: number): boolean {
  return status === 500 || status === 502 || status === 503 || status === 504;
}
