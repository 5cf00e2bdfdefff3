import type { Exchange } from '../exchange.js';
import type { Prepared } from './prepared.js';
import type { CacheStatus, Fields } from './semantics/index.js';

/**
 * Where the forward link sends a committed try's body besides (or instead of) the client: the
 * cache filling a store. Set on the exchange only while a response is being captured.
 */
export interface BodyCapture {
  /** False when the body goes only here: Keel answered the client itself, or there is no client. */
  readonly relay: boolean;
  data(chunk: Buffer): void;
  /** The body ended completely (called after the try was reported to its pool). */
  complete(ex: Exchange): void;
  /** The body did not end: the try failed or the client left. */
  abort(ex: Exchange): void;
}

/** What a request is to the cache. */
export const PASS = 0; // forwarded and not stored (non-GET, HEAD miss, request no-store)
export const MISS = 1; // nothing usable stored: forwarded, the answer may be stored
export const REVALIDATE = 2; // a stored response needs validation: conditional request, client waits
export const REFRESH = 3; // background revalidation (stale-while-revalidate): no client
export type JobMode = typeof PASS | typeof MISS | typeof REVALIDATE | typeof REFRESH;

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

/** Per-request cache state, kept on the exchange (the link itself is shared by the route). */
export class CacheJob implements BodyCapture {
  mode: JobMode;
  /** Primary key (base + key headers), '' for PASS. */
  readonly key: string;
  readonly hints: number;
  /** The client's request fields (node's parsed headers; empty when no rule needs them). */
  readonly fields: Fields;
  /** Key the response is stored under: the primary key, or a Vary variant of it. */
  storeKey = '';
  /** The stored response being revalidated, or kept for stale-if-error. */
  stored: Prepared | null = null;
  /** This job holds the fill of `leadKey`: it must release it whatever happens. */
  leader = false;
  /** The key it leads: a Vary variant's is not the primary `key`. */
  leadKey = '';
  /** Already waited on another request's fill: never waits again. */
  followed = false;
  /** RFC 9211 fwd reason when forwarded. */
  fwd: 'uri-miss' | 'vary-miss' | 'request' | 'stale' | 'method' = 'uri-miss';
  // capture of the answer being stored
  relay = true;
  status = 0;
  pairs: Array<[string, string]> = [];
  gen = 0;
  keepMs = 0;
  requestTime = 0;
  responseTime = 0;
  chunks: Buffer[] = [];
  size = 0;
  maxBytes = 0;
  over = false;
  /**
   * The client whose own validators matched the response being stored: it is answered 304 (from
   * `view`, marked `member`) once the body is in — or at once if the body proves too large to
   * store — so its leaving cannot cut the fill (link.ts #conditionMet).
   */
  waiting: Exchange | null = null;
  view: Prepared | null = null;
  member: CacheStatus | null = null;
  /** Told when the capture ends (the link, which stores the entry). */
  readonly done: (ex: Exchange, job: CacheJob, ok: boolean) => void;

  constructor(
    mode: JobMode,
    key: string,
    hints: number,
    fields: Fields,
    done: (ex: Exchange, job: CacheJob, ok: boolean) => void,
  ) {
    this.mode = mode;
    this.key = key;
    this.hints = hints;
    this.fields = fields;
    this.done = done;
  }

  data(chunk: Buffer): void {
    if (this.over) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      // Larger than the route allows (issue 4 "Limits: object size"): stream on, store nothing.
      this.over = true;
      this.chunks = [];
      if (this.waiting !== null) this.done(this.waiting, this, false);
      return;
    }
    this.chunks.push(chunk);
  }

  complete(ex: Exchange): void {
    this.done(ex, this, !this.over);
  }

  abort(ex: Exchange): void {
    this.chunks = [];
    this.done(ex, this, false);
  }

  body(): Buffer {
    const c = this.chunks;
    this.chunks = [];
    return c.length === 1 ? c[0]! : Buffer.concat(c, this.size);
  }
}
