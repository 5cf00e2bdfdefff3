import type { RouteCacheConfig } from '../../config/types.js';
import type { Exchange } from '../exchange.js';
import { Capture, type CaptureOwner } from './capture.js';
import type { EdgeCache } from './edge.js';
import { type CacheJob, NO_FIELDS } from './job.js';
import { baseKeyOfUrl, KEY_SEPARATOR, type KeyRules, variantKey } from './keys.js';
import { fieldsOf, type Prepared, type PreparedViews, storablePairs } from './prepared.js';
import {
  type CacheControl,
  type Fields,
  invalidationTargets,
  responseDirectives,
  secondaryKey,
  storeRefusal,
  varyFields,
} from './semantics/index.js';
import type { StoredEntry } from './store/index.js';

export function withoutSetCookie(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.filter(([name]) => name.length !== 10 || name.toLowerCase() !== 'set-cookie');
}

/** How long a response stays stored past its freshness and stale windows, for revalidation (ms). */
export const KEEP_FOR_REVALIDATION_MS = 600_000;

const EMPTY = Buffer.alloc(0);

/**
 * Everything one route writes to the edge cache: which responses are kept and for how long
 * (RFC 9111 §3), the capture that fills them, the Vary index their variants hang under (§4.1),
 * and invalidation (§4.4). Invalidation lives here because it relies on how entries are written:
 * deleting a URL's key (or Vary index) is enough only because a new index takes a new generation,
 * so variants written under an older one are never served again (lookup.ts checks the generation).
 */
export class Storing {
  readonly #edge: EdgeCache;
  readonly #config: RouteCacheConfig;
  readonly #keyRules: KeyRules;
  readonly #views: PreparedViews;
  readonly #owner: CaptureOwner;

  constructor(edge: EdgeCache, config: RouteCacheConfig, views: PreparedViews, owner: CaptureOwner) {
    this.#edge = edge;
    this.#config = config;
    this.#keyRules = config.key;
    this.#views = views;
    this.#owner = owner;
  }

  /**
   * A new response to a forwarded GET: the capture that stores it, or null when it is not kept.
   * The copy being revalidated is invalidated when the origin no longer lets it be stored.
   */
  begin(
    job: CacheJob,
    requestTime: number,
    status: number,
    pairs: Array<[string, string]>,
    fields: Fields,
    now: number,
  ): Capture | null {
    const cc = responseDirectives(fields, this.#views.rules.freshness.targeted);
    const refusal = storeRefusal({ method: 'GET', headers: job.fields }, { status, headers: fields }, cc);
    const cookie = fields['set-cookie'] !== undefined;
    if (refusal === null && (!cookie || this.#config.set_cookie !== 'refuse')) {
      // `strip`: the client that caused the fill gets its Set-Cookie, nobody answered from the
      // stored copy does (docs/caching.md, "Set-Cookie").
      const kept = cookie && this.#config.set_cookie === 'strip' ? withoutSetCookie(pairs) : pairs;
      const probe = this.#views.unstored(status, kept, requestTime, now);
      // Worth keeping only if it can be served, or revalidated with a validator.
      const usable = probe.freshUntil > now || probe.etag !== undefined || probe.lastModified !== undefined;
      if (!usable && this.#staleWindowMs(cc) <= 0) return null;
      if (job.storeKey === '') job.storeKey = job.key;
      return new Capture(job, this.#owner, probe, this.keepMs(probe, now), this.#config.max_object_bytes);
    }
    if (job.stored !== null && (cc.noStore || refusal === 'no-store' || refusal === 'private')) {
      // The origin no longer lets this be stored: the old copy must not be served either.
      this.#edge.invalidate(job.storeKey || job.key);
    }
    return null;
  }

  /** Whether Set-Cookie may go into the store (a 304 that freshens an entry carries fields too). */
  get keepsSetCookie(): boolean {
    return this.#config.set_cookie === 'keep';
  }

  /** How long a stored response is kept: its freshness, its stale windows, then time to revalidate it. */
  keepMs(p: Prepared, now: number): number {
    return Math.max(0, p.freshUntil - now) + this.#staleWindowMs(p.cc) + KEEP_FOR_REVALIDATION_MS;
  }

  /** The longest stale window (RFC 5861) the response or the route allows, ms. */
  #staleWindowMs(cc: CacheControl): number {
    return Math.max(
      (cc.staleWhileRevalidate ?? 0) * 1000,
      (cc.staleIfError ?? 0) * 1000,
      this.#config.stale_while_revalidate,
      this.#config.stale_if_error,
    );
  }

  /** A stored response freshened by a 304 (RFC 9111 §4.3.4) replaces the old one where it was found. */
  freshen(job: CacheJob, entry: StoredEntry, p: Prepared, now: number): void {
    this.#edge.store(job.storeKey || job.key, entry, this.keepMs(p, now));
  }

  /** The capture ended whole: stores the entry; a response that Varies goes under a variant with an index. */
  put(ex: Exchange, cap: Capture, now: number): void {
    const head = cap.view!.entry;
    const job = cap.job;
    const entry: StoredEntry = {
      status: head.status,
      headers: head.headers,
      body: cap.body(),
      storedAt: now,
      requestTime: head.requestTime,
      responseTime: head.responseTime,
    };
    const names = varyFields({ status: entry.status, headers: fieldsOf(entry.headers) });
    if (names === '*') return; // storeRefusal refuses Vary: * before a capture starts
    if (names.length === 0) {
      this.#edge.store(job.key, entry, cap.keepMs);
      return;
    }
    const edge = this.#edge;
    const index = edge.peek(job.key)?.entry;
    const list = names.join(',');
    const gen = index?.meta?.vary === list ? Number(index?.meta?.gen ?? 0) : edge.nextGen();
    const sk = secondaryKey(names, job.fields === NO_FIELDS ? ex.req.headers : job.fields);
    if (sk === null) return;
    entry.varyKey = sk;
    entry.meta = { gen };
    const indexEntry: StoredEntry = {
      status: 0,
      headers: [['vary', list]],
      body: EMPTY,
      storedAt: entry.storedAt,
      requestTime: entry.requestTime,
      responseTime: entry.responseTime,
      meta: { vary: list, gen },
    };
    edge.store(job.key, indexEntry, cap.keepMs);
    edge.store(variantKey(job.key, sk), entry, cap.keepMs);
  }

  /**
   * §4.4: a 2xx/3xx answer to an unsafe method invalidates its target and same-origin Location,
   * in the machine store at once; the answer's bytes are held in the client's socket until every
   * worker sees the keys gone (docs/caching.md, "The machine store"), so whatever the client does
   * next, on any worker, finds them gone.
   */
  invalidateAfter(ex: Exchange, status: number, raw: Buffer[]): void {
    if (status < 200 || status >= 400) return;
    const fields = fieldsOf(storablePairs(raw));
    const target = `http://${ex.host}${ex.clientTarget}`;
    const edge = this.#edge;
    let txn = 0;
    for (const uri of invalidationTargets(ex.method, target, { status, headers: fields })) {
      const base = baseKeyOfUrl(uri, this.#keyRules.query);
      if (base === undefined) continue;
      // The key (or Vary index) itself: its variants become unreachable, and a new index gets a
      // new generation, so they are never served again.
      txn = Math.max(txn, edge.invalidate(base));
      if (this.#keyRules.headers.length > 0) txn = Math.max(txn, edge.invalidatePrefix(base + KEY_SEPARATOR));
    }
    if (txn === 0 || edge.settled(txn)) return;
    const socket = ex.res.output();
    if (socket === null || socket.destroyed) return;
    socket.cork();
    void edge.settle(txn).then(() => socket.uncork());
  }
}
