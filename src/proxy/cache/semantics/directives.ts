import { parseDeltaSeconds } from './fields.js';

/**
 * Cache-Control directives (RFC 9111 §5.2), request and response in one shape. Numbers are
 * delta-seconds; undefined when the directive is absent; -1 when present with an invalid value
 * (§4.2.1: "Caches are encouraged to consider responses that have invalid freshness information
 * ... to be stale", so callers treat -1 as 0).
 */
export interface CacheControl {
  noStore: boolean;
  /** Response §5.2.2.4 or request §5.2.1.4. A qualified no-cache="f" counts as unqualified: a shared cache MAY do so, and it is the conservative reading. */
  noCache: boolean;
  /** §5.2.2.7: qualified private="f" is treated as unqualified by Keel (it does not strip fields). */
  private: boolean;
  public: boolean;
  mustRevalidate: boolean;
  proxyRevalidate: boolean;
  mustUnderstand: boolean;
  noTransform: boolean;
  onlyIfCached: boolean;
  immutable: boolean;
  /** True when these came from CDN-Cache-Control (RFC 9213 §2.1: Expires is then ignored too). */
  targeted: boolean;
  maxAge: number | undefined;
  sMaxAge: number | undefined;
  /** §5.2.1.2: max-stale with no value means any staleness: Infinity. */
  maxStale: number | undefined;
  minFresh: number | undefined;
  /** RFC 5861 §3. */
  staleWhileRevalidate: number | undefined;
  /** RFC 5861 §4 (request and response). */
  staleIfError: number | undefined;
}

export function emptyCacheControl(): CacheControl {
  return {
    noStore: false,
    noCache: false,
    private: false,
    public: false,
    mustRevalidate: false,
    proxyRevalidate: false,
    mustUnderstand: false,
    noTransform: false,
    onlyIfCached: false,
    immutable: false,
    targeted: false,
    maxAge: undefined,
    sMaxAge: undefined,
    maxStale: undefined,
    minFresh: undefined,
    staleWhileRevalidate: undefined,
    staleIfError: undefined,
  };
}

type NumKey = 'maxAge' | 'sMaxAge' | 'maxStale' | 'minFresh' | 'staleWhileRevalidate' | 'staleIfError';
const NUMERIC: Readonly<Record<string, NumKey>> = {
  'max-age': 'maxAge',
  's-maxage': 'sMaxAge',
  'max-stale': 'maxStale',
  'min-fresh': 'minFresh',
  'stale-while-revalidate': 'staleWhileRevalidate',
  'stale-if-error': 'staleIfError',
};
type FlagKey =
  | 'noStore'
  | 'noCache'
  | 'private'
  | 'public'
  | 'mustRevalidate'
  | 'proxyRevalidate'
  | 'mustUnderstand'
  | 'noTransform'
  | 'onlyIfCached'
  | 'immutable';
const FLAGS: Readonly<Record<string, FlagKey>> = {
  'no-store': 'noStore',
  'no-cache': 'noCache',
  private: 'private',
  public: 'public',
  'must-revalidate': 'mustRevalidate',
  'proxy-revalidate': 'proxyRevalidate',
  'must-understand': 'mustUnderstand',
  'no-transform': 'noTransform',
  'only-if-cached': 'onlyIfCached',
  immutable: 'immutable',
};

/**
 * Tolerant parser for the Cache-Control grammar (§5.2: `#( token [ "=" ( token / quoted-string ) ] )`).
 * Names are case-insensitive; quoted values may hold commas and backslash escapes (§5.2 says
 * senders SHOULD NOT quote delta-seconds, recipients still accept them). For a repeated numeric
 * directive the first occurrence wins (§4.2.1); flags only ever add restrictions, which is the
 * conservative way to resolve conflicts. Never throws; unknown extensions are ignored (§5.2.3).
 * `sf` is for Structured Field dictionaries (targeted fields, RFC 9213), where a later key replaces
 * and a numeric directive's value must be an Integer, not a String.
 */
export function parseCacheControl(value: string | undefined, sf = false): CacheControl {
  const cc = emptyCacheControl();
  if (value === undefined) return cc;
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && (value[i] === ' ' || value[i] === '\t' || value[i] === ',')) i++;
    const nameStart = i;
    while (i < n && value[i] !== '=' && value[i] !== ',') i++;
    const name = value.slice(nameStart, i).trim().toLowerCase();
    let arg: string | undefined;
    let quoted = false;
    if (i < n && value[i] === '=') {
      i++;
      while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
      if (value[i] === '"') {
        quoted = true;
        let s = '';
        i++;
        while (i < n && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < n) i++;
          s += value[i];
          i++;
        }
        i++;
        arg = s;
        while (i < n && value[i] !== ',') i++; // junk after a closing quote is ignored
      } else {
        const argStart = i;
        while (i < n && value[i] !== ',') i++;
        arg = value.slice(argStart, i).trim();
      }
    }
    if (name.length > 0) apply(cc, name, arg, sf, quoted);
  }
  return cc;
}

function apply(cc: CacheControl, name: string, arg: string | undefined, sf: boolean, quoted: boolean): void {
  const flag = FLAGS[name];
  if (flag !== undefined) {
    cc[flag] = true;
    return;
  }
  const num = NUMERIC[name];
  // Unknown, or a duplicate: the first wins (§4.2.1), except in a Structured Field (RFC 8941 §4.2.2: the last).
  if (num === undefined || (cc[num] !== undefined && !sf)) return;
  if (arg === undefined) cc[num] = num === 'maxStale' ? Number.POSITIVE_INFINITY : -1;
  // In a Structured Field a delta-seconds value is an Integer: a String there is invalid (-1).
  else cc[num] = quoted && sf ? -1 : parseDeltaSeconds(arg);
}
