import type { CacheControl } from './directives.js';
import { responseDirectives } from './effective.js';
import { type CacheResponse, firstValue, MAX_DELTA, parseDeltaSeconds, parseHttpDate } from './fields.js';
import { HEURISTICALLY_CACHEABLE } from './status-codes.js';

/** A stored response plus the clock readings §4.2.3 needs (ms since the epoch). */
export interface StoredResponse extends CacheResponse {
  /** When the request that produced it was sent upstream. */
  readonly requestTime: number;
  /** When its head arrived. */
  readonly responseTime: number;
}

/** Heuristic freshness (§4.2.2) is off unless configured. */
export interface FreshnessOptions {
  /** Fraction of (Date − Last-Modified), typically 0.1; 0 or absent disables heuristics. */
  readonly heuristicFraction?: number;
  /** Upper bound of a heuristic lifetime, seconds (e.g. 86400). */
  readonly heuristicMaxSeconds?: number;
  /** Targeted fields read before Cache-Control (RFC 9213), lower-case, in precedence order. */
  readonly targeted?: readonly string[];
}

/** Invalid (-1) numeric directives mean "stale" (§4.2.1), i.e. 0. */
const secs = (v: number): number => Math.max(0, v);

/**
 * §4.2.1 freshness lifetime in seconds, for a shared cache: s-maxage, else max-age, else
 * Expires − Date, else a heuristic when enabled and allowed, else 0.
 */
export function freshnessLifetime(
  res: StoredResponse,
  opts: FreshnessOptions = {},
  cc?: CacheControl,
): number {
  const d = cc ?? responseDirectives(res.headers, opts.targeted);
  if (d.sMaxAge !== undefined) return secs(d.sMaxAge);
  if (d.maxAge !== undefined) return secs(d.maxAge);
  // RFC 9213 §2.1: with a targeted field in use, Expires is ignored.
  const expiresRaw = d.targeted ? undefined : res.headers.expires;
  const date = dateValue(res);
  if (expiresRaw !== undefined) {
    // §5.3: an invalid Expires (e.g. "0") represents a time in the past: already stale. Expires
    // is a singleton field: several lines are invalid too.
    const one =
      typeof expiresRaw === 'object' ? (expiresRaw.length === 1 ? expiresRaw[0] : undefined) : expiresRaw;
    const expires = parseHttpDate(one === undefined ? undefined : String(one), res.responseTime);
    if (expires === undefined) return 0;
    return Math.min(MAX_DELTA, Math.max(0, (expires - date) / 1000));
  }
  return heuristicLifetime(res, d, date, opts);
}

/**
 * §4.2.2: only for a heuristically cacheable status (or an explicit `public`, §3), and only when
 * configured; a fraction of the time since Last-Modified, capped.
 */
function heuristicLifetime(
  res: StoredResponse,
  d: CacheControl,
  date: number,
  opts: FreshnessOptions,
): number {
  const fraction = opts.heuristicFraction ?? 0;
  if (fraction <= 0) return 0;
  if (!HEURISTICALLY_CACHEABLE.has(res.status) && !d.public) return 0;
  const lm = parseHttpDate(firstValue(res.headers, 'last-modified'), res.responseTime);
  if (lm === undefined || lm >= date) return 0;
  const h = ((date - lm) / 1000) * fraction;
  return Math.min(h, opts.heuristicMaxSeconds ?? 86400);
}

/** §4.2.3 date_value; a response without a valid Date is taken as dated at response_time (RFC 9110 §6.6.1). */
export function dateValue(res: StoredResponse): number {
  return parseHttpDate(firstValue(res.headers, 'date'), res.responseTime) ?? res.responseTime;
}

/**
 * §4.2.3 current_age in seconds at `now` (ms):
 *   apparent_age = max(0, response_time - date_value)
 *   corrected_age_value = age_value + (response_time - request_time)
 *   corrected_initial_age = max(apparent_age, corrected_age_value)
 *   current_age = corrected_initial_age + (now - response_time)
 */
export function currentAge(res: StoredResponse, now: number): number {
  const ageValue = ageFieldValue(firstValue(res.headers, 'age'));
  const apparentAge = Math.max(0, (res.responseTime - dateValue(res)) / 1000);
  const responseDelay = Math.max(0, (res.responseTime - res.requestTime) / 1000);
  const correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
  return correctedInitialAge + Math.max(0, (now - res.responseTime) / 1000);
}

/**
 * §5.1 age_value: of a list-valued Age the first member, of several lines the first; a value that
 * is not a non-negative integer ("abc", "-7200", "7200.0", "7200;foo=bar") is ignored (0).
 */
export function ageFieldValue(line: string | undefined): number {
  if (line === undefined) return 0;
  const comma = line.indexOf(',');
  const first = (comma < 0 ? line : line.slice(0, comma)).trim();
  return Math.max(0, parseDeltaSeconds(first));
}

/** §4.2: fresh while the lifetime exceeds the current age. */
export function isFresh(res: StoredResponse, now: number, opts: FreshnessOptions = {}): boolean {
  return freshnessLifetime(res, opts) > currentAge(res, now);
}

/** §5.1 Age field value: whole seconds, capped at 2^31. */
export function ageHeaderValue(ageSeconds: number): string {
  if (!(ageSeconds > 0)) return '0';
  return String(Math.min(MAX_DELTA, Math.floor(ageSeconds)));
}
