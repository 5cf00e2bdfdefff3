import type { Exchange } from '../exchange.js';
import type { Answers } from './answer.js';
import { Capture, type CaptureOwner } from './capture.js';
import { type CacheJob, REFRESH } from './job.js';
import { fieldsOf, type Prepared, type PreparedViews, storablePairs } from './prepared.js';
import { revalidated } from './publish.js';
import type { Refresh } from './refresh.js';
import { pairsAfter304 } from './rewrite.js';
import { type Fields, isErrorStatus, notModifiedApplies, updateStoredHeaders } from './semantics/index.js';
import type { StoredEntry } from './store/index.js';
import { type Storing, withoutSetCookie } from './storing.js';

/**
 * How a revalidation ends (RFC 9111 §4.3), for a client waiting on it (REVALIDATE) or for a
 * background refresh (REFRESH, no client): a 304 freshens the stored response (§4.3.4), or
 * contradicts it; an error or a failed try leaves the stale copy to stale-if-error (RFC 5861
 * §4). A new 200 is an ordinary response to store (link.ts #fresh). A 304's (empty) body runs
 * into a capture that stores nothing, so that the try completes — and a refresh's detached
 * exchange ends — with it.
 */
export class Revalidation {
  readonly #route: string;
  readonly #views: PreparedViews;
  readonly #storing: Storing;
  readonly #answers: Answers;
  readonly #refresh: Refresh;
  readonly #owner: CaptureOwner;

  constructor(
    route: string,
    views: PreparedViews,
    storing: Storing,
    answers: Answers,
    refresh: Refresh,
    owner: CaptureOwner,
  ) {
    this.#route = route;
    this.#views = views;
    this.#storing = storing;
    this.#answers = answers;
    this.#refresh = refresh;
    this.#owner = owner;
  }

  /**
   * The revalidation of `job` got an error answer (`status`, RFC 9111 §4.3.3) or its try failed
   * (0). True when it ends here: a refresh stops, or the client got the stale copy; false when
   * the error goes on to the client (and, for an answer, is relayed as a new response).
   */
  failed(ex: Exchange, job: CacheJob, status: number): boolean {
    if (job.mode === REFRESH) {
      this.#refresh.failed(ex, job, status);
      return true;
    }
    const stored = job.stored!;
    const now = ex.gw.clock.now();
    if (status > 0) {
      if (!this.#answers.staleOnError(ex, job, stored, now, status)) return false;
      revalidated(ex, this.#route, 'failed', false);
      job.releaseLead();
      return true; // answered stale; the upstream's error answer is discarded
    }
    revalidated(ex, this.#route, 'failed', false);
    job.releaseLead();
    return this.#answers.staleOnError(ex, job, stored, now, 0);
  }

  /** A revalidation got a new response, not a 304: an error answer relayed as it is counts as failed. */
  replaced(ex: Exchange, status: number): void {
    revalidated(ex, this.#route, isErrorStatus(status) ? 'failed' : 'modified', false);
  }

  /** A 304 to the conditional request of `job` (whose `stored` it was about); returns true (handled). */
  notModified(ex: Exchange, job: CacheJob, requestTime: number, raw: Buffer[], now: number): boolean {
    const pairs = storablePairs(raw);
    // A 304's Set-Cookie is the requester's, never the stored response's (unless the route keeps them).
    const fields = fieldsOf(this.#storing.keepsSetCookie ? pairs : withoutSetCookie(pairs));
    const stored = job.stored!;
    if (notModifiedApplies(stored.headers, fields)) return this.#freshen(ex, job, requestTime, fields, now);
    return this.#mismatched(ex, job, stored, now);
  }

  /** RFC 9111 §4.3.4: a 304 freshens the stored response; the client gets the stored one. */
  #freshen(ex: Exchange, job: CacheJob, requestTime: number, fields304: Fields, now: number): boolean {
    const old = job.stored!;
    const merged = updateStoredHeaders(old.headers, fields304);
    const entry: StoredEntry = {
      status: old.status,
      headers: pairsAfter304(old.entry.headers, merged),
      body: old.entry.body,
      storedAt: now,
      requestTime,
      responseTime: now,
    };
    if (old.entry.varyKey !== undefined) entry.varyKey = old.entry.varyKey;
    if (old.entry.meta !== undefined) entry.meta = old.entry.meta;
    const p = this.#views.of(entry);
    this.#storing.freshen(job, entry, p, now);
    const background = job.mode === REFRESH;
    revalidated(ex, this.#route, 'not_modified', background);
    job.releaseLead();
    ex.capture = Capture.discard(job, this.#owner);
    if (!background) {
      this.#answers.answer(ex, job, p, now, 'revalidated', {
        fwd: job.fwd,
        fwdStatus: 304,
        stored: true,
        ttl: (p.freshUntil - now) / 1000,
      });
    }
    return true;
  }

  /**
   * A 304 whose validators do not select the stored response (RFC 9111 §4.3.4 selects nothing):
   * the origin contradicts itself. The client did not ask for a 304, so it gets the stored
   * response as it is (nginx does the same), marked, and nothing is freshened: the next request
   * revalidates again.
   */
  #mismatched(ex: Exchange, job: CacheJob, p: Prepared, now: number): boolean {
    revalidated(ex, this.#route, 'failed', job.mode === REFRESH);
    job.releaseLead();
    ex.capture = Capture.discard(job, this.#owner);
    if (job.mode !== REFRESH) {
      this.#answers.answer(ex, job, p, now, 'expired', {
        fwd: job.fwd,
        fwdStatus: 304,
        ttl: (p.freshUntil - now) / 1000,
        detail: 'validator-mismatch',
      });
    }
    return true;
  }
}
