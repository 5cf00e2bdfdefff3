import type { RouteCacheConfig } from '../../config/types.js';
import type { ErrorCode } from '../../core/errors.js';
import type { TryErrorKind } from '../../core/events.js';
import { CLOSED, COMMITTED, Exchange, OPEN } from '../exchange.js';
import type { ForwardTry } from '../forward.js';
import { Link } from '../link.js';
import { KeelResponse } from '../messages.js';
import { answerError } from '../respond.js';
import type { EdgeCache } from './edge.js';
import { Fill } from './edge.js';
import {
  CacheJob,
  HAS_CACHE_CONTROL,
  HAS_CONDITIONAL,
  HAS_RANGE,
  MISS,
  PASS,
  REFRESH,
  REVALIDATE,
  requestHints,
} from './job.js';
import { baseKeyOfUrl, type KeyRules, primaryKey, variantKey } from './keys.js';
import { fieldsOf, Prepared, type ServeRules, storablePairs } from './prepared.js';
import { RawHits } from './raw-hit.js';
import {
  downstreamFields,
  pairsAfter304,
  withContentLength,
  withoutValidators,
  withValidators,
} from './rewrite.js';
import {
  ageHeaderValue,
  appendCacheStatus,
  type CacheControl,
  type CacheStatus,
  cacheStatusValue,
  canServeStaleOnError,
  clientConditionalMatches,
  contentRange,
  decideLookup,
  type Fields,
  invalidationTargets,
  isErrorStatus,
  notModifiedApplies,
  rangeOf,
  requestDirectives,
  responseDirectives,
  secondaryKey,
  staleForbidden,
  storeRefusal,
  updateStoredHeaders,
  varyFields,
} from './semantics/index.js';
import type { StoredEntry } from './store/index.js';

const NO_FIELDS: Fields = Object.freeze({});
const SAFE: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** How long a response stays stored past its freshness and stale windows, for revalidation (ms). */
export const KEEP_FOR_REVALIDATION_MS = 600_000;

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
 * The edge cache as a link of a route's chain (issue 4), above the deadline, bulkhead, retries
 * and breakers: a hit costs none of them, and a failure reaches it only once the policies below
 * have given up — that is when stale-if-error answers. Misses of one key are coalesced; a stale
 * response within stale-while-revalidate is answered while a detached exchange refreshes it
 * through the same chain below. Shared by every request of the route: per-request state lives
 * in the exchange's CacheJob.
 */
export class CacheLink extends Link {
  readonly route: string;
  readonly edge: EdgeCache;
  readonly config: RouteCacheConfig;
  readonly keyRules: KeyRules;
  readonly serve: ServeRules;
  /** Prepared views of stored entries, per route (the browser policy differs by route). */
  readonly #prepared = new WeakMap<StoredEntry, Prepared>();
  readonly #done = (ex: Exchange, job: CacheJob, ok: boolean): void => this.#captured(ex, job, ok);
  /** Plain fresh GET hits written as one string (raw-hit.ts). */
  readonly #raw = new RawHits();
  /** The browser policy as the bytes downstreamFields adds. */
  readonly #browser: { readonly value: Buffer; readonly override: boolean } | null;

  constructor(route: string, edge: EdgeCache, config: RouteCacheConfig, serve: ServeRules) {
    super();
    this.route = route;
    this.edge = edge;
    this.config = config;
    this.keyRules = config.key;
    this.serve = serve;
    const b = serve.browser;
    this.#browser =
      b === null ? null : { value: Buffer.from(b.cacheControl, 'latin1'), override: b.override };
  }

  dispatch(ex: Exchange): void {
    const m = ex.method;
    if (m !== 'GET' && m !== 'HEAD') {
      ex.cacheOutcome = 'pass';
      // Unsafe methods invalidate on success (RFC 9111 §4.4); safe ones pass untouched.
      if (!SAFE.has(m)) ex.cacheJob = new CacheJob(PASS, '', 0, NO_FIELDS, this.#done);
      this.next.dispatch(ex);
      return;
    }
    const hints = requestHints(ex.req.rawHeaders);
    const needFields = hints !== 0 || this.keyRules.headers.length > 0;
    const fields: Fields = needFields ? ex.req.headers : NO_FIELDS;
    const key = primaryKey(ex.host, ex.clientTarget, this.keyRules, fields);
    const job = new CacheJob(MISS, key, hints, fields, this.#done);
    ex.cacheJob = job;
    if (hints & HAS_CACHE_CONTROL && requestDirectives(fields).noStore) {
      // §5.2.1.5: nothing of this exchange may be stored; it is not answered from the cache either.
      job.mode = PASS;
      job.fwd = 'request';
      ex.cacheOutcome = 'pass';
      this.next.dispatch(ex);
      return;
    }
    this.#lookup(ex, job, key, false);
  }

  /** Memory synchronously, then Redis; `variant` is true once a Vary index led here. */
  #lookup(ex: Exchange, job: CacheJob, key: string, variant: boolean): void {
    const near = this.edge.peek(key);
    if (near !== undefined || this.edge.far === null) {
      this.#found(ex, job, key, near, variant);
      return;
    }
    void this.edge.lookupFar(key).then((far) => {
      if (ex.state !== OPEN) return; // the client left (or the deadline answered) meanwhile
      try {
        this.#found(ex, job, key, far, variant);
      } catch {
        // Off the synchronous path handleRequest guards: a bug costs this request only.
        answerError(ex, 'KEEL_ERR_INTERNAL');
        ex.stop();
      }
    });
  }

  #found(ex: Exchange, job: CacheJob, key: string, entry: StoredEntry | undefined, variant: boolean): void {
    if (entry === undefined) {
      this.#miss(ex, job, variant ? 'vary-miss' : 'uri-miss', key);
      return;
    }
    const index = entry.meta?.vary;
    if (!variant && typeof index === 'string') {
      // A Vary index: the variants live under their secondary keys (RFC 9111 §4.1).
      const names = index === '' ? [] : index.split(',');
      const fields = job.fields === NO_FIELDS ? ex.req.headers : job.fields;
      const sk = secondaryKey(names, fields);
      job.gen = Number(entry.meta?.gen ?? 0);
      if (sk === null) {
        this.#miss(ex, job, 'vary-miss', key);
        return;
      }
      const vk = variantKey(key, sk);
      job.storeKey = vk;
      this.#lookup(ex, job, vk, true);
      return;
    }
    // A variant written under an older index (before an invalidation) is not this URL's any more.
    if (variant && Number(entry.meta?.gen ?? -1) !== job.gen) {
      this.#miss(ex, job, 'vary-miss', key);
      return;
    }
    const p = this.prepared(entry);
    const now = ex.gw.clock.now();
    // A request that waited on another's fill is "collapsed" (RFC 9211 §2.6).
    const outcome = job.followed ? 'coalesced' : 'hit';
    if ((job.hints & HAS_CACHE_CONTROL) === 0 && now < p.freshUntil) {
      const plain = !job.followed; // null member: the plain hit, whose fields Prepared keeps
      const ttl = (p.freshUntil - now) / 1000;
      this.#answer(ex, job, p, now, outcome, plain ? null : { hit: true, ttl, collapsed: true });
      return;
    }
    const d = decideLookup({ method: 'GET', headers: job.fields }, p, now, this.serve.freshness);
    switch (d.kind) {
      case 'fresh':
        this.#answer(ex, job, p, now, outcome, { hit: true, ttl: d.ttl, collapsed: job.followed });
        return;
      case 'stale':
        this.#answer(ex, job, p, now, 'max-stale', { hit: true, ttl: d.ttl, detail: 'max-stale' });
        return;
      case 'stale-while-revalidate':
        this.#staleWhileRevalidate(ex, job, p, now, d.ttl);
        return;
      case 'only-if-cached-miss':
        this.#notCached(ex);
        return;
      case 'revalidate':
        // The route's default window (docs/caching.md) when the response names none and the
        // client asked nothing particular.
        if (
          this.config.stale_while_revalidate > 0 &&
          (job.hints & HAS_CACHE_CONTROL) === 0 &&
          p.cc.staleWhileRevalidate === undefined &&
          !staleForbidden(p.cc) &&
          -d.ttl * 1000 <= this.config.stale_while_revalidate
        ) {
          this.#staleWhileRevalidate(ex, job, p, now, d.ttl);
          return;
        }
        job.stored = p;
        job.fwd =
          (job.hints & HAS_CACHE_CONTROL) !== 0 && requestDirectives(job.fields).noCache
            ? 'request'
            : 'stale';
        this.#forward(ex, job, REVALIDATE, key);
        return;
    }
  }

  #staleWhileRevalidate(ex: Exchange, job: CacheJob, p: Prepared, now: number, ttl: number): void {
    this.#answer(ex, job, p, now, 'stale-while-revalidate', {
      hit: true,
      ttl,
      detail: 'stale-while-revalidate',
    });
    this.#refresh(ex, job, p);
  }

  #miss(ex: Exchange, job: CacheJob, fwd: 'uri-miss' | 'vary-miss', key: string): void {
    if ((job.hints & HAS_CACHE_CONTROL) !== 0 && requestDirectives(job.fields).onlyIfCached) {
      this.#notCached(ex);
      return;
    }
    job.fwd = fwd;
    if (ex.method === 'HEAD') {
      // A HEAD miss is forwarded as HEAD: it has no body to store (served from a stored GET when there is one).
      job.mode = PASS;
      ex.cacheOutcome = 'miss';
      this.next.dispatch(ex);
      return;
    }
    this.#forward(ex, job, MISS, key);
  }

  /** Forward as the key's leader, or wait for the leader (request coalescing). */
  #forward(ex: Exchange, job: CacheJob, mode: typeof MISS | typeof REVALIDATE, key: string): void {
    job.mode = mode;
    ex.cacheOutcome = mode === MISS ? 'miss' : 'expired';
    if (!job.followed) {
      const fill = this.edge.fills.get(key);
      if (fill !== undefined) {
        if (!fill.late) {
          fill.waiters.push(ex);
          return;
        }
        job.followed = true;
      } else {
        this.#lead(key, job);
      }
    }
    if (mode === REVALIDATE) ex.upHeaders = withValidators(ex.upHeaders, job.stored!.headers);
    else if ((job.hints & HAS_CONDITIONAL) !== 0) ex.upHeaders = withoutValidators(ex.upHeaders);
    this.next.dispatch(ex);
  }

  #lead(key: string, job: CacheJob): void {
    const fill = new Fill();
    this.edge.fills.set(key, fill);
    job.leader = true;
    job.leadKey = key;
    fill.timer = setTimeout(() => {
      // The leader is slow: the waiters stop waiting and go upstream themselves, uncached.
      fill.late = true;
      fill.timer = null;
      this.#release(fill);
    }, this.config.lock_timeout);
    fill.timer.unref();
  }

  /** The leader is done (or late): every waiter looks again, and forwards if still nothing. */
  #release(fill: Fill): void {
    const waiters = fill.waiters.splice(0);
    for (const w of waiters) {
      if (w.state !== OPEN) continue;
      const j = w.cacheJob!;
      j.followed = true;
      j.storeKey = '';
      j.stored = null;
      try {
        this.#lookup(w, j, j.key, false);
      } catch {
        answerError(w, 'KEEL_ERR_INTERNAL');
        w.stop();
      }
    }
  }

  #endFill(job: CacheJob): void {
    if (!job.leader) return;
    job.leader = false;
    const fill = this.edge.fills.get(job.leadKey);
    if (fill === undefined) return;
    this.edge.fills.delete(job.leadKey);
    if (fill.timer !== null) clearTimeout(fill.timer);
    this.#release(fill);
  }

  override head(ex: Exchange, t: ForwardTry, status: number, raw: Buffer[]): boolean {
    const job = ex.cacheJob;
    if (job === null)
      return this.up.head(ex, t, status, downstreamFields(raw, { fwd: 'method' }, this.#browser));
    const now = ex.gw.clock.now();
    if (job.mode === PASS) {
      if (job.key === '') this.#invalidateAfter(ex, status, raw);
      const fwd = job.key === '' ? 'method' : job.fwd;
      return this.up.head(ex, t, status, downstreamFields(raw, { fwd, fwdStatus: status }, this.#browser));
    }
    const stored = job.stored;
    if (stored !== null && status === 304) {
      const pairs = storablePairs(raw);
      if (notModifiedApplies(stored.headers, fieldsOf(pairs)))
        return this.#notModified(ex, job, t, pairs, now);
      return this.#mismatched304(ex, job, stored, now);
    }
    if (stored !== null && isErrorStatus(status)) {
      if (job.mode === REFRESH) {
        // The stale copy stays stored for the next try; the detached exchange just ends.
        this.#revalidated(ex, 'failed', true);
        queueMicrotask(() => this.#finishDetached(ex, job));
        return false;
      }
      if (this.#serveStale(ex, job, stored, now, status)) {
        this.#revalidated(ex, 'failed', false);
        this.#endFill(job);
        return false; // answered stale; the upstream's error answer is discarded
      }
    }
    return this.#fresh(ex, job, t, status, raw, now);
  }

  /** The longest stale window (RFC 5861) the response or the route allows, ms. */
  #staleWindowMs(cc: CacheControl): number {
    return Math.max(
      (cc.staleWhileRevalidate ?? 0) * 1000,
      (cc.staleIfError ?? 0) * 1000,
      this.config.stale_while_revalidate,
      this.config.stale_if_error,
    );
  }

  /** How long a stored response is kept: its freshness, its stale windows, then time to revalidate it. */
  #keepMs(p: Prepared, now: number): number {
    return Math.max(0, p.freshUntil - now) + this.#staleWindowMs(p.cc) + KEEP_FOR_REVALIDATION_MS;
  }

  /** A new response for a MISS, REVALIDATE or REFRESH job: store it if allowed, and relay it. */
  #fresh(ex: Exchange, job: CacheJob, t: ForwardTry, status: number, raw: Buffer[], now: number): boolean {
    const pairs = storablePairs(raw);
    const fields = fieldsOf(pairs);
    const cc = responseDirectives(fields);
    const refusal = storeRefusal({ method: 'GET', headers: job.fields }, { status, headers: fields }, cc);
    let keepMs = 0;
    const head: StoredEntry = {
      status,
      headers: pairs,
      body: EMPTY,
      storedAt: now,
      requestTime: t.started,
      responseTime: now,
    };
    let probe: Prepared | null = null;
    if (refusal === null && fields['set-cookie'] === undefined) {
      probe = new Prepared(head, this.serve);
      // Worth keeping only if it can be served, or revalidated with a validator.
      const usable = probe.freshUntil > now || probe.etag !== undefined || probe.lastModified !== undefined;
      if (usable || this.#staleWindowMs(cc) > 0) keepMs = this.#keepMs(probe, now);
    } else if (job.stored !== null && (cc.noStore || refusal === 'no-store' || refusal === 'private')) {
      // The origin no longer lets this be stored: the old copy must not be served either.
      this.edge.invalidate(job.storeKey || job.key);
    }
    const storing = keepMs > 0;
    if (storing) {
      job.status = status;
      job.pairs = pairs;
      job.keepMs = keepMs;
      job.requestTime = t.started;
      job.responseTime = now;
      job.maxBytes = this.config.max_object_bytes;
      job.chunks = [];
      job.size = 0;
      job.over = false;
      if (job.storeKey === '') job.storeKey = job.key;
    }
    if (job.mode === REFRESH) {
      this.#revalidated(ex, 'modified', true);
      if (!storing) {
        queueMicrotask(() => this.#finishDetached(ex, job));
        return false;
      }
      job.relay = false;
      ex.capture = job;
      return true;
    }
    if (job.mode === REVALIDATE) this.#revalidated(ex, isErrorStatus(status) ? 'failed' : 'modified', false);
    const member: CacheStatus = { fwd: job.fwd, fwdStatus: status, stored: storing };
    if (
      status === 200 &&
      (job.hints & HAS_CONDITIONAL) !== 0 &&
      clientConditionalMatches(job.fields, fields)
    ) {
      return this.#conditionMet(ex, job, probe ?? new Prepared(head, this.serve), storing, member);
    }
    const committed = this.up.head(ex, t, status, downstreamFields(raw, member, this.#browser));
    if (committed && storing) {
      job.relay = true;
      ex.capture = job;
    } else {
      this.#endFill(job);
    }
    return committed;
  }

  /**
   * The client's own validators match the origin's new 200 (RFC 9111 §4.3.2: a cache answers a
   * client's conditional itself; #forward did not pass them on, see withoutValidators): the client
   * gets a 304. A response being stored is read to its end first, so that the client's 304 —
   * which ends its exchange — cannot cut the fill; one that is not stored is cut at once.
   */
  #conditionMet(ex: Exchange, job: CacheJob, view: Prepared, storing: boolean, member: CacheStatus): boolean {
    job.relay = false;
    ex.capture = job;
    if (storing) {
      job.waiting = ex;
      job.view = view;
      job.member = member;
      return true;
    }
    job.maxBytes = 0;
    job.keepMs = 0;
    this.#endFill(job);
    this.#answer(ex, job, view, ex.gw.clock.now(), forwardedOutcome(job), member);
    return true;
  }

  /** RFC 9111 §4.3.4: a 304 freshens the stored response; the client gets the stored one. */
  #notModified(
    ex: Exchange,
    job: CacheJob,
    t: ForwardTry,
    pairs304: Array<[string, string]>,
    now: number,
  ): boolean {
    const old = job.stored!;
    const merged = updateStoredHeaders(old.headers, fieldsOf(pairs304));
    const entry: StoredEntry = {
      status: old.status,
      headers: pairsAfter304(old.entry.headers, merged),
      body: old.entry.body,
      storedAt: now,
      requestTime: t.started,
      responseTime: now,
    };
    if (old.entry.varyKey !== undefined) entry.varyKey = old.entry.varyKey;
    if (old.entry.meta !== undefined) entry.meta = old.entry.meta;
    const p = this.prepared(entry);
    this.edge.store(job.storeKey || job.key, entry, this.#keepMs(p, now));
    const background = job.mode === REFRESH;
    this.#revalidated(ex, 'not_modified', background);
    this.#endFill(job);
    // The 304 has no body; its end completes the try (the capture swallows nothing).
    job.relay = false;
    job.maxBytes = 0;
    job.keepMs = 0;
    ex.capture = job;
    if (!background) {
      this.#answer(ex, job, p, now, 'revalidated', {
        fwd: job.fwd,
        fwdStatus: 304,
        stored: true,
        ttl: (p.freshUntil - now) / 1000,
      });
    }
    return true;
  }

  /**
   * A 304 to Keel's own conditional request whose validators do not select the stored response
   * (RFC 9111 §4.3.4 selects nothing): the origin contradicts itself. The client did not ask for
   * a 304, so it gets the stored response as it is (nginx does the same), marked, and nothing is
   * freshened: the next request revalidates again.
   */
  #mismatched304(ex: Exchange, job: CacheJob, p: Prepared, now: number): boolean {
    this.#revalidated(ex, 'failed', job.mode === REFRESH);
    this.#endFill(job);
    job.relay = false;
    job.maxBytes = 0;
    job.keepMs = 0;
    ex.capture = job; // swallows the 304's (empty) body; the detached exchange ends with it
    if (job.mode !== REFRESH) {
      const ttl = (p.freshUntil - now) / 1000;
      this.#answer(ex, job, p, now, 'expired', {
        fwd: job.fwd,
        fwdStatus: 304,
        ttl,
        detail: 'validator-mismatch',
      });
    }
    return true;
  }

  /**
   * RFC 5861 §4: answers stale within the response's or the request's stale-if-error window, or
   * the route's default one; false when stale answers are not allowed.
   */
  #serveStale(ex: Exchange, job: CacheJob, p: Prepared, now: number, status: number): boolean {
    const req = { method: 'GET', headers: job.fields };
    let ok = canServeStaleOnError(req, p, now, this.serve.freshness);
    if (!ok && this.config.stale_if_error > 0 && !staleForbidden(p.cc)) {
      ok = now - p.freshUntil <= this.config.stale_if_error;
    }
    if (!ok) return false;
    const ttl = (p.freshUntil - now) / 1000;
    const member: CacheStatus =
      status > 0
        ? { hit: true, fwdStatus: status, ttl, detail: 'stale-if-error' }
        : { hit: true, ttl, detail: 'stale-if-error' };
    this.#answer(ex, job, p, now, 'stale-if-error', member);
    return true;
  }

  override fail(ex: Exchange, t: ForwardTry | null, kind: TryErrorKind, code: ErrorCode): void {
    const job = ex.cacheJob;
    if (job !== null && job.mode !== PASS) {
      if (job.mode === REFRESH) {
        this.#revalidated(ex, 'failed', true);
        this.#finishDetached(ex, job);
        return;
      }
      if (job.stored !== null) {
        this.#revalidated(ex, 'failed', false);
        this.#endFill(job);
        if (this.#serveStale(ex, job, job.stored, ex.gw.clock.now(), 0)) return;
      }
      this.#endFill(job);
    }
    this.up.fail(ex, t, kind, code);
  }

  /** The capture of a stored answer ended (BodyCapture.complete / abort). */
  #captured(ex: Exchange, job: CacheJob, ok: boolean): void {
    if (ok && job.keepMs > 0) {
      const now = ex.gw.clock.now();
      const entry: StoredEntry = {
        status: job.status,
        headers: job.pairs,
        body: job.body(),
        storedAt: now,
        requestTime: job.requestTime,
        responseTime: job.responseTime,
      };
      this.#put(ex, job, entry);
    }
    this.#endFill(job);
    const waiting = job.waiting;
    if (waiting !== null) {
      // #conditionMet deferred this client's 304 until now. A body that proved too large is
      // still the origin's answer; one cut off is not, and the client gets the upstream error.
      job.waiting = null;
      if (ok || job.over)
        this.#answer(waiting, job, job.view!, waiting.gw.clock.now(), forwardedOutcome(job), job.member!);
      else if (waiting.state === OPEN) answerError(waiting, 'KEEL_ERR_UPSTREAM_RESET');
    }
    if (job.mode === REFRESH) this.#finishDetached(ex, job);
  }

  /** Stores an entry under its key; a response that Varies goes under a variant with an index. */
  #put(ex: Exchange, job: CacheJob, entry: StoredEntry): void {
    const names = varyFields({ status: entry.status, headers: fieldsOf(entry.headers) });
    if (names === '*') return; // storeRefusal refuses Vary: * before a capture starts
    if (names.length === 0) {
      this.edge.store(job.key, entry, job.keepMs);
      return;
    }
    const index = this.edge.peek(job.key);
    const same = index?.meta?.vary === names.join(',');
    const gen = same ? Number(index?.meta?.gen ?? 0) : this.edge.nextGen();
    const fieldsForKey = job.fields === NO_FIELDS ? ex.req.headers : job.fields;
    const sk = secondaryKey(names, fieldsForKey);
    if (sk === null) return;
    entry.varyKey = sk;
    entry.meta = { gen };
    this.edge.store(
      job.key,
      {
        status: 0,
        headers: [['vary', names.join(',')]],
        body: EMPTY,
        storedAt: entry.storedAt,
        requestTime: entry.requestTime,
        responseTime: entry.responseTime,
        meta: { vary: names.join(','), gen },
      },
      job.keepMs,
    );
    this.edge.store(variantKey(job.key, sk), entry, job.keepMs);
  }

  /** §4.4: a 2xx/3xx answer to an unsafe method invalidates its target and same-origin Location. */
  #invalidateAfter(ex: Exchange, status: number, raw: Buffer[]): void {
    if (status < 200 || status >= 400) return;
    const fields = fieldsOf(storablePairs(raw));
    const target = `http://${ex.host}${ex.clientTarget}`;
    for (const uri of invalidationTargets(ex.method, target, { status, headers: fields })) {
      const base = baseKeyOfUrl(uri, this.keyRules.query);
      if (base === undefined) continue;
      // The key (or Vary index) itself: its variants become unreachable, and a new index gets a
      // new generation, so they are never served again.
      this.edge.invalidate(base);
      if (this.keyRules.headers.length > 0) void this.edge.purgeBase(base);
    }
  }

  /**
   * Answers from a stored response (or a 304 when the client's own validators match). A null
   * `member` is the plain fresh hit (`keel; hit; ttl=N`).
   */
  #answer(
    ex: Exchange,
    job: CacheJob,
    p: Prepared,
    now: number,
    outcome: CacheOutcome,
    member: CacheStatus | null,
  ): void {
    if (ex.state !== OPEN) return;
    const res = ex.res;
    if (res.headersSent || res.destroyed) return;
    const notModified =
      (job.hints & HAS_CONDITIONAL) !== 0 &&
      p.status === 200 &&
      clientConditionalMatches(job.fields, p.headers);
    let h: string[];
    if (member === null && !notModified) {
      if (ex.method === 'GET' && (job.hints & HAS_RANGE) === 0 && this.#raw.answer(ex, p, now, outcome))
        return;
      h = p.hitFields(now).slice();
    } else {
      h = (notModified ? p.outNotModified : p.out).slice();
      h.push('age', ageHeaderValue(p.ageAt(now)));
      const m = member ?? { hit: true, ttl: (p.freshUntil - now) / 1000 };
      h.push('cache-status', appendCacheStatus(p.innerStatus, cacheStatusValue(m)));
    }
    let status = notModified ? 304 : p.status;
    let body: Buffer | null = notModified || ex.method === 'HEAD' ? null : p.entry.body;
    if (body !== null && (job.hints & HAS_RANGE) !== 0 && p.status === 200) {
      // RFC 9110 §14: one byte range of the stored body (206), or 416 when none of it exists.
      const r = rangeOf(job.fields, p.headers, body.length);
      if (r.kind !== 'full') {
        const part = r.kind === 'partial' ? body.subarray(r.start, r.end + 1) : EMPTY;
        withContentLength(h, part.length);
        h.push('content-range', contentRange(r, body.length));
        status = r.kind === 'partial' ? 206 : 416;
        body = part;
      }
    }
    h.push(ex.snap.rules.requestIdHeader, ex.requestId);
    if (ex.gw.draining) h.push('connection', 'close');
    try {
      res.writeHead(status, h);
    } catch {
      answerError(ex, 'KEEL_ERR_INTERNAL');
      return;
    }
    ex.state = COMMITTED;
    ex.status = status;
    ex.cacheOutcome = outcome;
    if (body === null) res.end();
    else res.end(body);
  }

  /** §5.2.1.7 only-if-cached with nothing usable stored: 504. */
  #notCached(ex: Exchange): void {
    ex.cacheOutcome = 'only-if-cached';
    answerError(ex, 'KEEL_ERR_NOT_CACHED');
  }

  /**
   * stale-while-revalidate: one background revalidation per key, as a detached exchange through
   * the rest of the chain (deadline, bulkhead, retries, breakers): it has no client, and its
   * answer only updates the store.
   */
  #refresh(ex: Exchange, job: CacheJob, p: Prepared): void {
    if (this.edge.fills.has(job.key)) return; // already being fetched
    const now = ex.gw.clock.now();
    const rex = new Exchange(ex.req, new KeelResponse(ex.req), ex.snap, ex.gw, now);
    rex.host = ex.host;
    rex.requestId = ex.requestId;
    rex.traceId = ex.traceId;
    rex.spanId = ex.spanId;
    rex.traceFlags = ex.traceFlags;
    rex.route = ex.route;
    rex.target = ex.target;
    rex.clientTarget = ex.clientTarget;
    rex.upHeaders = withValidators(ex.upHeaders, p.headers);
    const rjob = new CacheJob(REFRESH, job.key, job.hints, job.fields, this.#done);
    rjob.stored = p;
    rjob.storeKey = job.storeKey;
    rjob.gen = job.gen;
    rex.cacheJob = rjob;
    rex.cacheOutcome = 'expired';
    this.#lead(job.key, rjob);
    ex.route?.pool.retryBudget.requestStarted();
    try {
      this.next.dispatch(rex);
    } catch {
      this.#finishDetached(rex, rjob);
    }
  }

  /** A background exchange's bookkeeping, as Gateway.finished does for client exchanges. */
  #finishDetached(rex: Exchange, job: CacheJob): void {
    if (rex.state === CLOSED) return;
    rex.state = CLOSED;
    rex.stop();
    if (rex.slot !== null) {
      const slot = rex.slot;
      rex.slot = null;
      slot.release();
    }
    rex.route?.pool.retryBudget.requestFinished();
    this.#endFill(job);
  }

  #revalidated(ex: Exchange, result: 'not_modified' | 'modified' | 'failed', background: boolean): void {
    const ch = ex.gw.events.cacheRevalidate;
    if (ch.active) {
      ch.publish({
        route: this.route,
        pool: ex.route?.pool.name ?? '',
        result,
        background,
        at: ex.gw.clock.now(),
      });
    }
  }

  /** The prepared view of an entry for this route (computed once per entry). */
  prepared(entry: StoredEntry): Prepared {
    let p = this.#prepared.get(entry);
    if (p === undefined) {
      p = new Prepared(entry, this.serve);
      this.#prepared.set(entry, p);
    }
    return p;
  }
}

const EMPTY = Buffer.alloc(0);

/** The access-log outcome of a request the cache forwarded for itself (#forward). */
function forwardedOutcome(job: CacheJob): CacheOutcome {
  return job.mode === MISS ? 'miss' : 'expired';
}
