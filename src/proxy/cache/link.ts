import type { RouteCacheConfig } from '../../config/types.js';
import type { ErrorCode } from '../../core/errors.js';
import type { TryErrorKind } from '../../core/events.js';
import { Link, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { Answers } from './answer.js';
import type { Capture, CaptureOwner } from './capture.js';
import { type Coalescer, STORED_MEANWHILE } from './coalesce.js';
import type { EdgeCache } from './edge.js';
import {
  CacheJob,
  HAS_CACHE_CONTROL,
  HAS_CONDITIONAL,
  MISS,
  NO_FIELDS,
  PASS,
  REFRESH,
  REVALIDATE,
  requestHints,
} from './job.js';
import { type KeyRules, primaryKey } from './keys.js';
import { Lookup, type LookupOwner } from './lookup.js';
import { fieldsOf, type Prepared, PreparedViews, type ServeRules, storablePairs } from './prepared.js';
import { Refresh } from './refresh.js';
import { Revalidation } from './revalidate.js';
import {
  type BrowserBytes,
  browserBytes,
  downstreamFields,
  withoutValidators,
  withValidators,
} from './rewrite.js';
import {
  type CacheStatus,
  clientConditionalMatches,
  decideLookup,
  type Fields,
  isErrorStatus,
  requestDirectives,
} from './semantics/index.js';
import type { StoredEntry } from './store/index.js';
import { Storing } from './storing.js';

const SAFE: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * The edge cache as a link of a route's chain (docs/caching.md, "What a request goes through"),
 * above the deadline, bulkhead, retries and breakers: a hit costs none of them, and a failure
 * reaches it only once the policies below have given up — that is when stale-if-error answers.
 * Shared by every request of the route (per-request state: the exchange's CacheJob), it is the
 * decision table: what a request is to the cache (dispatch), which path a stored entry takes
 * (found, missed), which path a response takes (head, fail, captured). The paths are parts of
 * their own: lookup, coalesce, answer, storing + capture, revalidate (304s), refresh.
 */
export class CacheLink extends Link<Exchange> implements LookupOwner, CaptureOwner {
  readonly #config: RouteCacheConfig;
  readonly #keyRules: KeyRules;
  readonly #views: PreparedViews;
  readonly #fills: Coalescer;
  readonly #lookup: Lookup;
  readonly #answers: Answers;
  readonly #storing: Storing;
  readonly #revalidation: Revalidation;
  readonly #refresh: Refresh;
  /** Wakes a request that waited on another's fill, through its own route's link. */
  readonly #wake = (ex: Exchange): void => this.#lookup.again(ex);
  readonly #browser: BrowserBytes;
  /** Targeted fields not passed downstream (routes[].cache.strip_targeted). */
  readonly #strip: readonly string[];

  constructor(route: string, edge: EdgeCache, config: RouteCacheConfig, serve: ServeRules) {
    super();
    this.#config = config;
    this.#keyRules = config.key;
    const views = new PreparedViews(serve);
    const answers = new Answers(serve, config, this);
    const storing = new Storing(edge, config, views, this);
    const refresh = new Refresh(route, edge.fills, config);
    this.#views = views;
    this.#fills = edge.fills;
    this.#lookup = new Lookup(edge, this);
    this.#answers = answers;
    this.#storing = storing;
    this.#refresh = refresh;
    this.#revalidation = new Revalidation(route, views, storing, answers, refresh, this);
    this.#browser = browserBytes(serve.browser);
    this.#strip = serve.strip;
  }

  dispatch(ex: Exchange): void {
    const m = ex.method;
    if (m !== 'GET' && m !== 'HEAD') {
      ex.cacheOutcome = 'pass';
      // Unsafe methods invalidate on success (RFC 9111 §4.4); safe ones pass untouched.
      if (!SAFE.has(m)) ex.cacheJob = new CacheJob(PASS, '', 0, NO_FIELDS);
      this.next.dispatch(ex);
      return;
    }
    const hints = requestHints(ex.req.rawHeaders);
    const needFields = hints !== 0 || this.#keyRules.headers.length > 0;
    const fields: Fields = needFields ? ex.req.headers : NO_FIELDS;
    const key = primaryKey(ex.host, ex.clientTarget, this.#keyRules, fields);
    const job = new CacheJob(MISS, key, hints, fields);
    ex.cacheJob = job;
    if (hints & HAS_CACHE_CONTROL && requestDirectives(fields).noStore) {
      // RFC 9111 §5.2.1.5: nothing of this exchange may be stored; it is not answered from the cache either.
      job.mode = PASS;
      job.fwd = 'request';
      ex.cacheOutcome = 'pass';
      this.next.dispatch(ex);
      return;
    }
    this.#lookup.find(ex, job, key, false);
  }

  /** The lookup found `entry` under `key` (LookupOwner): which path does it take? */
  found(ex: Exchange, job: CacheJob, key: string, entry: StoredEntry): void {
    const p = this.#views.of(entry);
    const now = ex.gw.clock.now();
    // A request that waited on another's fill is "collapsed" (RFC 9211 §2.6).
    const outcome = job.followed ? 'coalesced' : 'hit';
    if ((job.hints & HAS_CACHE_CONTROL) === 0 && now < p.freshUntil) {
      const plain = !job.followed; // null member: the plain hit, whose fields Prepared keeps
      const ttl = (p.freshUntil - now) / 1000;
      this.#answers.answer(ex, job, p, now, outcome, plain ? null : { hit: true, ttl, collapsed: true });
      return;
    }
    const d = decideLookup({ method: 'GET', headers: job.fields }, p, now, this.#views.rules.freshness);
    switch (d.kind) {
      case 'fresh':
        this.#answers.answer(ex, job, p, now, outcome, { hit: true, ttl: d.ttl, collapsed: job.followed });
        return;
      case 'stale':
        this.#answers.answer(ex, job, p, now, 'max-stale', { hit: true, ttl: d.ttl, detail: 'max-stale' });
        return;
      case 'stale-while-revalidate':
        this.#staleWhileRevalidate(ex, job, p, now, d.ttl);
        return;
      case 'only-if-cached-miss':
        this.#answers.notCached(ex);
        return;
      case 'revalidate':
        if (this.#refresh.routeWindowCovers(job, p, d.ttl)) {
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
    this.#answers.answer(ex, job, p, now, 'stale-while-revalidate', {
      hit: true,
      ttl,
      detail: 'stale-while-revalidate',
    });
    this.#refresh.start(ex, job, p, this.next);
  }

  /** Nothing usable is stored under `key` (LookupOwner). */
  missed(ex: Exchange, job: CacheJob, key: string, fwd: 'uri-miss' | 'vary-miss'): void {
    if ((job.hints & HAS_CACHE_CONTROL) !== 0 && requestDirectives(job.fields).onlyIfCached) {
      this.#answers.notCached(ex);
      return;
    }
    job.fwd = fwd;
    if (ex.method === 'HEAD') {
      // A HEAD miss is forwarded as HEAD: no body to store (a stored GET answers HEADs when there is one).
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
      const fills = this.#fills;
      const lockMs = this.#config.lock_timeout;
      if (fills.wait(key, lockMs, ex, this.#wake)) return;
      // Nobody leads: this request does. A late leader: go upstream without waiting for it.
      const lead = fills.lead(key, lockMs, job.seen);
      if (lead === STORED_MEANWHILE) {
        // Another worker's fill ended between this lookup and the lead: answer from it.
        this.#lookup.again(ex);
        return;
      }
      job.lead = lead;
      if (lead === null) {
        if (fills.wait(key, lockMs, ex, this.#wake)) return; // led elsewhere since the first look
        job.followed = true;
      }
    }
    if (mode === REVALIDATE) ex.upHeaders = withValidators(ex.upHeaders, job.stored!.headers);
    else if ((job.hints & HAS_CONDITIONAL) !== 0) ex.upHeaders = withoutValidators(ex.upHeaders);
    this.next.dispatch(ex);
  }

  override head(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    const job = ex.cacheJob;
    if (job === null)
      return this.up.head(
        ex,
        t,
        status,
        downstreamFields(raw, { fwd: 'method' }, this.#browser, this.#strip),
      );
    if (job.mode === PASS) {
      if (job.key === '') this.#storing.invalidateAfter(ex, status, raw);
      const fwd = job.key === '' ? 'method' : job.fwd;
      return this.up.head(
        ex,
        t,
        status,
        downstreamFields(raw, { fwd, fwdStatus: status }, this.#browser, this.#strip),
      );
    }
    const now = ex.gw.clock.now();
    if (job.stored !== null) {
      if (status === 304) return this.#revalidation.notModified(ex, job, t.started, raw, now);
      if (isErrorStatus(status) && this.#revalidation.failed(ex, job, status)) return false;
    }
    return this.#fresh(ex, job, t, status, raw, now);
  }

  /** A new response for a MISS, REVALIDATE or REFRESH job: store it if allowed, and relay it. */
  #fresh(ex: Exchange, job: CacheJob, t: TryHandle, status: number, raw: Buffer[], now: number): boolean {
    const pairs = storablePairs(raw);
    const fields = fieldsOf(pairs);
    const cap = this.#storing.begin(job, t.started, status, pairs, fields, now);
    if (job.mode === REFRESH) return this.#refresh.modified(ex, job, cap);
    if (job.mode === REVALIDATE) this.#revalidation.replaced(ex, status);
    const member: CacheStatus = { fwd: job.fwd, fwdStatus: status, stored: cap !== null };
    if (
      status === 200 &&
      (job.hints & HAS_CONDITIONAL) !== 0 &&
      clientConditionalMatches(job.fields, fields)
    ) {
      const view = cap !== null ? cap.view! : this.#views.unstored(status, pairs, t.started, now);
      this.#answers.conditionMet(ex, job, cap, view, member);
      return true;
    }
    const committed = this.up.head(ex, t, status, downstreamFields(raw, member, this.#browser, this.#strip));
    if (committed && cap !== null) ex.capture = cap;
    else job.releaseLead();
    return committed;
  }

  override fail(ex: Exchange, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void {
    const job = ex.cacheJob;
    if (job !== null && job.mode !== PASS) {
      if (job.stored !== null && this.#revalidation.failed(ex, job, 0)) return;
      job.releaseLead();
    }
    this.up.fail(ex, t, kind, code);
  }

  /** A capture ended (CaptureOwner): store what came whole, then let the key's waiters go. */
  captured(ex: Exchange, cap: Capture, ok: boolean): void {
    const job = cap.job;
    if (ok && cap.keepMs > 0) this.#storing.put(ex, cap, ex.gw.clock.now());
    job.releaseLead();
    this.#answers.deferred(cap, ok);
    if (job.mode === REFRESH) this.#refresh.finish(ex, job);
  }
}
