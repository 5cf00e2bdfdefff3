import type { RouteCacheConfig } from '../../config/types.js';
import { COMMITTED, OPEN } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { answerError } from '../respond.js';
import { Capture, type CaptureOwner } from './capture.js';
import { type CacheJob, type CacheOutcome, forwardedOutcome, HAS_CONDITIONAL, HAS_RANGE } from './job.js';
import type { Prepared, ServeRules } from './prepared.js';
import { RawHits } from './raw-hit.js';
import { withContentLength } from './rewrite.js';
import {
  ageHeaderValue,
  appendCacheStatus,
  type CacheStatus,
  cacheStatusValue,
  canServeStaleOnError,
  clientConditionalMatches,
  contentRange,
  type FreshnessOptions,
  rangeOf,
  staleForbidden,
} from './semantics/index.js';

const EMPTY = Buffer.alloc(0);

/**
 * How one route answers a client from a stored response: the plain hit (raw-hit.ts), a 304 to
 * the client's own validators (RFC 9111 §4.3.2), one byte range (RFC 9110 §14), stale answers
 * (RFC 5861), and only-if-cached's 504. Nothing here goes upstream or writes to the store.
 */
export class Answers {
  readonly #freshness: FreshnessOptions;
  /** The route's default stale-if-error window, ms (docs/caching.md). */
  readonly #staleIfErrorMs: number;
  /** Told when the response a deferred 304 waits for has ended (the link). */
  readonly #owner: CaptureOwner;
  /** Plain fresh GET hits written as one string (raw-hit.ts). */
  readonly #raw = new RawHits();

  constructor(serve: ServeRules, config: RouteCacheConfig, owner: CaptureOwner) {
    this.#freshness = serve.freshness;
    this.#staleIfErrorMs = config.stale_if_error;
    this.#owner = owner;
  }

  /**
   * Answers from a stored response (or a 304 when the client's own validators match). A null
   * `member` is the plain fresh hit (`keel; hit; ttl=N`).
   */
  answer(
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

  /**
   * RFC 5861 §4: answers stale within the response's or the request's stale-if-error window, or
   * the route's default one; false when stale answers are not allowed. `status` is the upstream's
   * error answer, 0 when there was none (a failed try).
   */
  staleOnError(ex: Exchange, job: CacheJob, p: Prepared, now: number, status: number): boolean {
    const req = { method: 'GET', headers: job.fields };
    let ok = canServeStaleOnError(req, p, now, this.#freshness);
    if (!ok && this.#staleIfErrorMs > 0 && !staleForbidden(p.cc)) {
      ok = now - p.freshUntil <= this.#staleIfErrorMs;
    }
    if (!ok) return false;
    const ttl = (p.freshUntil - now) / 1000;
    const member: CacheStatus =
      status > 0
        ? { hit: true, fwdStatus: status, ttl, detail: 'stale-if-error' }
        : { hit: true, ttl, detail: 'stale-if-error' };
    this.answer(ex, job, p, now, 'stale-if-error', member);
    return true;
  }

  /**
   * The client's own validators match the origin's new 200 (RFC 9111 §4.3.2: a cache answers a
   * client's conditional itself; the link did not pass them on, see withoutValidators): the
   * client gets a 304 from `view`. A response being stored (`cap`) is read to its end first, so
   * that the client's 304 — which ends its exchange — cannot cut the fill (see `deferred`); one
   * that is not stored is cut at once.
   */
  conditionMet(ex: Exchange, job: CacheJob, cap: Capture | null, view: Prepared, member: CacheStatus): void {
    if (cap !== null) {
      cap.relay = false;
      cap.waiting = ex;
      cap.member = member;
      ex.capture = cap;
      return;
    }
    ex.capture = Capture.discard(job, this.#owner);
    job.releaseLead();
    this.answer(ex, job, view, ex.gw.clock.now(), forwardedOutcome(job), member);
  }

  /**
   * The capture a 304 was deferred for (conditionMet) has ended. A body that proved too large is
   * still the origin's answer; one cut off is not, and the client gets the upstream error.
   */
  deferred(cap: Capture, ok: boolean): void {
    const waiting = cap.waiting;
    if (waiting === null) return;
    cap.waiting = null;
    if (ok || cap.over) {
      const now = waiting.gw.clock.now();
      this.answer(waiting, cap.job, cap.view!, now, forwardedOutcome(cap.job), cap.member!);
    } else if (waiting.state === OPEN) {
      answerError(waiting, 'KEEL_ERR_UPSTREAM_RESET');
    }
  }

  /** RFC 9111 §5.2.1.7 only-if-cached with nothing usable stored: 504. */
  notCached(ex: Exchange): void {
    ex.cacheOutcome = 'only-if-cached';
    answerError(ex, 'KEEL_ERR_NOT_CACHED');
  }
}
