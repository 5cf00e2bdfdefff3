import { connectionTokens, HOP_BY_HOP } from '../hop-by-hop.js';
import {
  ageHeaderValue,
  appendCacheStatus,
  type CacheControl,
  cacheStatusValue,
  currentAge,
  type FreshnessOptions,
  freshnessLifetime,
  parseHttpDate,
  responseDirectives,
  type StoredResponse,
  varyFields,
} from './semantics/index.js';
import type { StoredEntry } from './store/index.js';

/** Header fields as the cache rules read them: lower-case names, repeated lines as arrays. */
export type FieldRecord = Record<string, string | string[]>;

/** Lower-cased record of header pairs (RFC 9110 §5.3: a repeated field keeps every line). */
export function fieldsOf(pairs: ReadonlyArray<readonly [string, string]>): FieldRecord {
  const out: FieldRecord = {};
  for (const [name, value] of pairs) {
    const k = name.toLowerCase();
    const had = out[k];
    if (had === undefined) out[k] = value;
    else if (typeof had === 'string') out[k] = [had, value];
    else had.push(value);
  }
  return out;
}

/**
 * Fields never kept with a stored response: hop-by-hop ones and those the upstream's Connection
 * names (RFC 9111 §3.1), and Set-Cookie's neighbours are kept as sent. Returns the pairs to store.
 */
export function storablePairs(raw: readonly Buffer[]): Array<[string, string]> {
  let named: Set<string> | null = null;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const value = raw[i + 1]!.toString('latin1');
    const lk = name.toLowerCase();
    if (lk === 'connection') named = connectionTokens(value, named);
    if (HOP_BY_HOP.has(lk)) continue;
    pairs.push([name, value]);
  }
  return named === null ? pairs : pairs.filter(([n]) => !named.has(n.toLowerCase()));
}

/** Dropped from a stored response on the way out; Keel writes its own (RFC 9111 §5.1, RFC 9211). */
const REPLACED_ON_SERVE: ReadonlySet<string> = new Set(['age', 'cache-status', 'via']);

/** The 304 fields of RFC 9110 §15.4.5 (plus Last-Modified, a validator the client may compare). */
const NOT_MODIFIED_FIELDS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
  'last-modified',
]);

/** How one route shows stored responses to clients. */
export interface ServeRules {
  readonly freshness: FreshnessOptions;
  /** Via pseudonym, '' for none (proxy.via). */
  readonly via: string;
  /** Browser policy (routes[].browser_cache); null = the upstream's Cache-Control as is. */
  readonly browser: { readonly cacheControl: string; readonly override: boolean } | null;
  /** Targeted fields (RFC 9213) not passed downstream, lower-case (routes[].cache.strip_targeted). */
  readonly strip: readonly string[];
}

/**
 * A stored response with everything a hit needs computed once (per route, per entry): its
 * fields, directives, freshness and the header list a hit sends. A hit then costs one
 * comparison with `freshUntil` and one array copy.
 */
export class Prepared implements StoredResponse {
  readonly entry: StoredEntry;
  readonly status: number;
  readonly headers: FieldRecord;
  readonly requestTime: number;
  readonly responseTime: number;
  readonly cc: CacheControl;
  /** freshness_lifetime, s (RFC 9111 §4.2.1). */
  readonly lifetime: number;
  /** corrected_initial_age, s (RFC 9111 §4.2.3). */
  readonly initialAge: number;
  /** Absolute time (ms) until which the response is fresh. */
  readonly freshUntil: number;
  readonly vary: readonly string[] | '*';
  readonly etag: string | undefined;
  readonly lastModified: number | undefined;
  /** Upstream Cache-Status members (an inner cache), kept before Keel's own. */
  readonly innerStatus: string | undefined;
  /** Header pairs for a 200-class hit, flat, without Age, Cache-Status and the request id. */
  readonly out: string[];
  /** The same for a 304 answer to a client's conditional request. */
  readonly outNotModified: string[];

  constructor(entry: StoredEntry, rules: ServeRules) {
    this.entry = entry;
    this.status = entry.status;
    this.headers = fieldsOf(entry.headers);
    this.requestTime = entry.requestTime;
    this.responseTime = entry.responseTime;
    this.cc = responseDirectives(this.headers, rules.freshness.targeted);
    this.lifetime = freshnessLifetime(this, rules.freshness, this.cc);
    this.initialAge = currentAge(this, this.responseTime);
    this.freshUntil = this.responseTime + (this.lifetime - this.initialAge) * 1000;
    this.vary = varyFields(this);
    const etag = this.headers.etag;
    this.etag = typeof etag === 'string' ? etag.trim() : etag?.[0]?.trim();
    const lm = this.headers['last-modified'];
    this.lastModified = parseHttpDate(typeof lm === 'string' ? lm : lm?.[0]);
    const cs = this.headers['cache-status'];
    this.innerStatus = cs === undefined ? undefined : typeof cs === 'string' ? cs : cs.join(', ');
    const out: string[] = [];
    const nm: string[] = [];
    let via = '';
    let hasCc = false;
    let hasLength = false;
    for (const [name, value] of entry.headers) {
      const lk = name.toLowerCase();
      if (lk === 'via') via = via === '' ? value : `${via}, ${value}`;
      if (lk === 'content-length') hasLength = true;
      if (REPLACED_ON_SERVE.has(lk) || (rules.strip.length > 0 && rules.strip.includes(lk))) continue;
      if (lk === 'cache-control') {
        hasCc = true;
        if (rules.browser?.override) continue;
      }
      out.push(name, value);
      if (NOT_MODIFIED_FIELDS.has(lk)) nm.push(name, value);
    }
    // A body stored from a chunked response is sent with its length, not re-chunked.
    if (!hasLength) out.push('content-length', String(entry.body.length));
    const b = rules.browser;
    if (b !== null && (b.override || !hasCc)) {
      out.push('cache-control', b.cacheControl);
      nm.push('cache-control', b.cacheControl);
    }
    const v = rules.via === '' ? via : via === '' ? rules.via : `${via}, ${rules.via}`;
    if (v !== '') {
      out.push('via', v);
      nm.push('via', v);
    }
    this.out = out;
    this.outNotModified = nm;
  }

  /** The fields of a plain fresh hit, for one (age, ttl) pair in whole seconds: see hitFields. */
  #hit: string[] | null = null;
  #hitAge = -1;
  #hitTtl = 0;

  /**
   * `out` plus Age and Cache-Status (`keel; hit; ttl=N`) for a plain fresh hit at `now`. Both
   * values move once a second, so a hot entry builds them once a second rather than per hit:
   * two strings less per hit, and the same flat strings each time for node's header-value check
   * (a fresh concatenation is a rope it has to flatten first). Callers copy before appending.
   */
  hitFields(now: number): readonly string[] {
    const age = Math.floor(this.ageAt(now));
    const ttl = Math.trunc((this.freshUntil - now) / 1000);
    let h = this.#hit;
    if (h === null || age !== this.#hitAge || ttl !== this.#hitTtl) {
      h = this.out.slice();
      h.push('age', ageHeaderValue(age));
      h.push('cache-status', appendCacheStatus(this.innerStatus, cacheStatusValue({ hit: true, ttl })));
      this.#hit = h;
      this.#hitAge = age;
      this.#hitTtl = ttl;
    }
    return h;
  }

  /** current_age (s) at `now`: the stored initial age plus the time resident (§4.2.3). */
  ageAt(now: number): number {
    return this.initialAge + Math.max(0, now - this.responseTime) / 1000;
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** A route's prepared views of stored entries, one per entry (the browser policy differs by route). */
export class PreparedViews {
  readonly rules: ServeRules;
  readonly #views = new WeakMap<StoredEntry, Prepared>();

  constructor(rules: ServeRules) {
    this.rules = rules;
  }

  /** A response that is not stored, seen as the route would serve it (not remembered). */
  unstored(status: number, headers: Array<[string, string]>, requestTime: number, now: number): Prepared {
    const body = EMPTY_BODY;
    return new Prepared({ status, headers, body, storedAt: now, requestTime, responseTime: now }, this.rules);
  }

  of(entry: StoredEntry): Prepared {
    let p = this.#views.get(entry);
    if (p === undefined) {
      p = new Prepared(entry, this.rules);
      this.#views.set(entry, p);
    }
    return p;
  }
}
