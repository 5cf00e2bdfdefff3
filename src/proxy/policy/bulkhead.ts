import type { ErrorCode } from '../../core/errors.js';
import type { ShedEvent } from '../../core/events.js';
import type { ConcurrencyLimiter } from '../../core/limiter.js';
import { Link, OPEN } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { answerError } from '../respond.js';

/**
 * The pool's bulkhead (concurrency.max_in_flight > 0): a request takes a slot or waits in the
 * bounded FIFO queue; a full queue sheds with 503 KEEL_ERR_SHED_QUEUE_FULL, a wait longer than
 * queue_timeout (or the deadline) sheds with 503 KEEL_ERR_SHED_QUEUE_TIMEOUT. A timer exists only
 * for queued requests. It sits outside retry: a request holds one slot for its whole life,
 * retries and hedges included, and releases it when the response ends (gateway.ts). A client that
 * leaves while queued is removed from the queue (Exchange.stop).
 */
export class BulkheadLink extends Link<Exchange> {
  readonly #limiter: ConcurrencyLimiter;
  readonly #queueTimeoutMs: number;
  readonly #pool: string;
  readonly #route: string;

  constructor(limiter: ConcurrencyLimiter, queueTimeoutMs: number, pool: string, route: string) {
    super();
    this.#limiter = limiter;
    this.#queueTimeoutMs = queueTimeoutMs;
    this.#pool = pool;
    this.#route = route;
  }

  dispatch(ex: Exchange): void {
    const limiter = this.#limiter;
    if (limiter.tryAcquire()) {
      ex.slot = limiter;
      this.next.dispatch(ex);
      return;
    }
    // Rare path (overload): one closure per queued request is acceptable.
    const ticket = limiter.enqueue(() => this.#granted(ex));
    if (ticket === null) {
      this.#shed(ex, 'queue_full', 'KEEL_ERR_SHED_QUEUE_FULL');
      return;
    }
    if (ex.slot !== null) return; // granted synchronously
    ex.ticket = ticket;
    const left = ex.deadline - ex.gw.clock.now();
    const wait = left < this.#queueTimeoutMs ? Math.max(0, left) : this.#queueTimeoutMs;
    ex.queueTimer = setTimeout(fireQueueTimeout, wait, this, ex);
  }

  #granted(ex: Exchange): void {
    ex.ticket = null;
    ex.slot = this.#limiter;
    if (ex.queueTimer !== null) {
      clearTimeout(ex.queueTimer);
      ex.queueTimer = null;
    }
    // The grant runs inside another request's release(): continue on a fresh tick.
    if (ex.state === OPEN) process.nextTick(continueGranted, this, ex);
  }

  continueAfterQueue(ex: Exchange): void {
    if (ex.state === OPEN) this.next.dispatch(ex);
  }

  queueTimedOut(ex: Exchange): void {
    ex.queueTimer = null;
    const ticket = ex.ticket;
    if (ticket === null || !this.#limiter.cancel(ticket)) return;
    ex.ticket = null;
    this.#shed(ex, 'queue_timeout', 'KEEL_ERR_SHED_QUEUE_TIMEOUT');
  }

  #shed(ex: Exchange, reason: ShedEvent['reason'], code: ErrorCode): void {
    ex.shed = true;
    const ch = ex.gw.events.shed;
    if (ch.active) {
      const at = ex.gw.clock.now();
      ch.publish({ pool: this.#pool, route: this.#route, reason, queueDepth: this.#limiter.queued, at });
    }
    answerError(ex, code);
  }
}

function fireQueueTimeout(link: BulkheadLink, ex: Exchange): void {
  link.queueTimedOut(ex);
}

function continueGranted(link: BulkheadLink, ex: Exchange): void {
  link.continueAfterQueue(ex);
}
