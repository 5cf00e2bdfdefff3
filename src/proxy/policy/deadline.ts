import { Link } from '../contracts.js';
import type { Exchange } from '../exchange.js';

/**
 * The route timeout as an absolute deadline on the exchange: it bounds the whole request, tries
 * and waits included (docs/proxying.md, "Limits and timeouts").
 * No timer per request: each try's first-byte timeout is cut to what is left (forward.ts), the
 * retry and hedge links refuse to start a try that would begin after it, the bulkhead's queue
 * wait is bounded by it, and the gateway's coarse sweep (gateway.ts) ends what is left — a
 * stalled body or a slow connect — with 504 KEEL_ERR_DEADLINE_EXCEEDED, or by closing the
 * client connection when the head was already sent.
 */
export class DeadlineLink extends Link<Exchange> {
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    super();
    this.#timeoutMs = timeoutMs;
  }

  dispatch(ex: Exchange): void {
    ex.deadline = ex.start + this.#timeoutMs;
    this.next.dispatch(ex);
  }
}
