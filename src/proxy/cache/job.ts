import type { Lease } from './coalesce.js';
import type { Prepared } from './prepared.js';
import type { Fields } from './semantics/index.js';

/** What a request is to the cache. */
export const PASS = 0; // forwarded and not stored (non-GET, HEAD miss, request no-store)
export const MISS = 1; // nothing usable stored: forwarded, the answer may be stored
export const REVALIDATE = 2; // a stored response needs validation: conditional request, client waits
export const REFRESH = 3; // background revalidation (stale-while-revalidate): no client
export type JobMode = typeof PASS | typeof MISS | typeof REVALIDATE | typeof REFRESH;

/** `CacheJob.fields` when no rule reads the request's fields (a plain GET). */
export const NO_FIELDS: Fields = Object.freeze({});

/** Request fields the cache looks at, found by one pass over rawHeaders (flags). */
export const HAS_CACHE_CONTROL = 1;
export const HAS_AUTHORIZATION = 2;
export const HAS_CONDITIONAL = 4;
export const HAS_RANGE = 8;

/** Lengths of the names above: only these are lower-cased and compared (13: three of them). */
export function requestHints(raw: readonly string[]): number {
  let hints = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 5) {
      if (n.toLowerCase() === 'range') hints |= HAS_RANGE;
    } else if (n.length === 13) {
      const lk = n.toLowerCase();
      if (lk === 'cache-control') hints |= HAS_CACHE_CONTROL;
      else if (lk === 'authorization') hints |= HAS_AUTHORIZATION;
      else if (lk === 'if-none-match') hints |= HAS_CONDITIONAL;
    } else if (n.length === 17 && n.toLowerCase() === 'if-modified-since') hints |= HAS_CONDITIONAL;
  }
  return hints;
}

/** RFC 9211 `fwd` reason of a forwarded request. */
export type ForwardReason = 'uri-miss' | 'vary-miss' | 'request' | 'stale' | 'method';

/** Access-log `cache` values (docs/caching.md "Observed"); the stale ones name their reason. */
export type CacheOutcome =
  | 'hit'
  | 'miss'
  | 'pass'
  | 'coalesced'
  | 'revalidated'
  | 'expired'
  | 'stale-while-revalidate'
  | 'stale-if-error'
  | 'max-stale'
  | 'only-if-cached';

/**
 * Per-request cache state, kept on the exchange (the link itself is shared by the route). A hit
 * reads the first four fields and, through a Vary index, `storeKey` and `gen`; the rest belongs
 * to a request the cache forwards. Storing a response is a Capture of its own (capture.ts), so a
 * hit never carries capture state. Allocated per caching request: one fixed shape.
 */
export class CacheJob {
  mode: JobMode;
  /** Primary key (base + key headers), '' for PASS. */
  readonly key: string;
  readonly hints: number;
  /** The client's request fields (node's parsed headers; empty when no rule needs them). */
  readonly fields: Fields;
  /** Key the response is stored under: the primary key, or a Vary variant of it. */
  storeKey = '';
  /** Generation of the Vary index the variant key came from (storing.ts). */
  gen = 0;
  /** The stamp the lookup found under `key` (0: none), which a lead checks (coalesce.ts). */
  seen = 0;
  /** Already waited on another request's fill: never waits again. */
  followed = false;
  /** The lead of the key this job fetches (coalesce.ts): it must be released whatever happens. */
  lead: Lease | null = null;
  /** RFC 9211 fwd reason when forwarded. */
  fwd: ForwardReason = 'uri-miss';
  /** The stored response being revalidated, or kept for stale-if-error. */
  stored: Prepared | null = null;

  constructor(mode: JobMode, key: string, hints: number, fields: Fields) {
    this.mode = mode;
    this.key = key;
    this.hints = hints;
    this.fields = fields;
  }

  /** Lets the key's waiters go, if this job leads it (its answer is stored, or never will be). */
  releaseLead(): void {
    const lease = this.lead;
    if (lease === null) return;
    this.lead = null;
    lease.release();
  }
}

/** The access-log outcome of a request the cache forwarded for itself. */
export function forwardedOutcome(job: CacheJob): CacheOutcome {
  return job.mode === MISS ? 'miss' : 'expired';
}
