import type { ErrorCode } from '../core/errors.js';
import type { TryErrorKind } from '../core/events.js';
import type { ConcurrencyLimiter, QueueTicket } from '../core/limiter.js';
import type { BodyCapture, CacheJob } from './cache/job.js';
import type { GatewayContext } from './context.js';
import type { ForwardTry, OutcomeRecorder } from './forward.js';
import type { RequestHead } from './headers.js';
import type { LiveNode } from './live-list.js';
import type { BodyLimitOwner, KeelRequest, KeelResponse } from './messages.js';
import type { CompiledRoute, Snapshot } from './snapshot.js';
import type { UpstreamHost } from './upstream/types.js';

/** Exchange lifecycle. OPEN: no answer yet; COMMITTED: an upstream head was sent to the client;
 * ANSWERED: Keel answered itself (error JSON); CLOSED: the response is over (or the client left). */
export const OPEN = 0;
export const COMMITTED = 1;
export const ANSWERED = 2;
export const CLOSED = 3;
export type ExchangeState = typeof OPEN | typeof COMMITTED | typeof ANSWERED | typeof CLOSED;

const NO_HEADERS: string[] = [];

/**
 * One client request and everything the chain keeps about it. Every field is initialised here so
 * all exchanges share one hidden class (STYLE.md §10, fastify's same-shape test); policy links
 * keep their per-request state in these fields instead of allocating their own objects.
 */
export class Exchange implements RequestHead, BodyLimitOwner, LiveNode {
  readonly req: KeelRequest;
  readonly res: KeelResponse;
  readonly gw: GatewayContext;
  /** The compiled config this request started on: it finishes on it, whatever reloads happen. */
  readonly snap: Snapshot;
  readonly start: number;
  readonly method: string;
  // RequestHead (filled by scanRequestHeaders)
  host = '';
  contentLength = -1;
  chunked = false;
  framing: RequestHead['framing'] = '';
  requestId = '';
  upHeaders: string[] = NO_HEADERS;
  // W3C trace context (trace/links.ts); '' and 0 when tracing is off
  traceId = '';
  /** The server span: this request as Keel handles it. */
  spanId = '';
  /** The caller's span, from a valid incoming traceparent; '' for a root span. */
  parentSpanId = '';
  traceFlags = 0;
  traceState = '';
  /** The client span id of the next try: the forward link moves it onto the try. */
  trySpanId = '';
  // routing
  route: CompiledRoute | null = null;
  /** Target sent upstream (prefix stripped when the route says so). */
  target = '';
  /** Target as the client sent it (dot segments removed): what the cache keys on. */
  clientTarget = '';
  deadline = Number.POSITIVE_INFINITY;
  body: Buffer | KeelRequest | null = null;
  /** False once the body is a stream that cannot be sent twice: no retry, no hedge. */
  replayable = true;
  // outcome
  state: ExchangeState = OPEN;
  status = 0;
  errorCode: ErrorCode | '' = '';
  answerHost = '';
  retryAfterMs = 0;
  /** The failure a scheduled retry replaces; the answer if that retry is refused by the budget. */
  lastKind: TryErrorKind | '' = '';
  lastCode: ErrorCode | '' = '';
  shed = false;
  // edge cache (cache/link.ts): the request's cache state, the body capture while a response is
  // being stored, and the outcome for the access log ('' when the route does not cache)
  cacheJob: CacheJob | null = null;
  capture: BodyCapture | null = null;
  cacheOutcome = '';
  // tries
  tries = 0;
  retries = 0;
  hedges = 0;
  live: ForwardTry[] = [];
  firstHostId = '';
  tried: Set<string> | null = null;
  /** Hand-over from the pick link to the forward link. */
  picked: UpstreamHost | null = null;
  /** Set by retry/hedge/breaker links for the next try; the forward link moves them onto it. */
  tokenPending = false;
  hedgePending = false;
  breakerPending: OutcomeRecorder | null = null;
  // timers and bulkhead
  retryTimer: NodeJS.Timeout | null = null;
  hedgeTimer: NodeJS.Timeout | null = null;
  queueTimer: NodeJS.Timeout | null = null;
  /** A queued bulkhead wait, and the limiter whose slot this exchange holds once granted. */
  ticket: QueueTicket | null = null;
  slot: ConcurrencyLimiter | null = null;
  // the gateway's in-flight list (live-list.ts)
  livePrev: Exchange | null = null;
  liveNext: Exchange | null = null;
  inLive = false;

  constructor(req: KeelRequest, res: KeelResponse, snap: Snapshot, gw: GatewayContext, start: number) {
    this.req = req;
    this.res = res;
    this.snap = snap;
    this.gw = gw;
    this.start = start;
    this.method = req.method ?? 'GET';
  }

  /** The client went away, or the response finished: end everything still running. */
  clientClosed(): void {
    if (this.state === CLOSED) return;
    if (this.state === OPEN) this.status = 0;
    this.state = CLOSED;
    this.stop();
    this.gw.finished(this);
  }

  bodyTooLarge(): void {
    this.gw.bodyTooLarge(this);
  }

  /** Stops every try, timer and queue wait that is still running. */
  stop(): void {
    const live = this.live;
    if (live.length > 0) {
      const copy = live.slice();
      for (let i = 0; i < copy.length; i++) copy[i]!.abort('aborted');
    }
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.hedgeTimer !== null) clearTimeout(this.hedgeTimer);
    if (this.queueTimer !== null) clearTimeout(this.queueTimer);
    this.retryTimer = this.hedgeTimer = this.queueTimer = null;
    if (this.ticket !== null) {
      this.route?.pool.limiter?.cancel(this.ticket);
      this.ticket = null;
    }
    if (this.tokenPending) {
      // A retry was scheduled (its budget token taken) but will never start.
      this.tokenPending = false;
      this.route?.pool.retryBudget.releaseRetry();
    }
  }

  /** True when the route's deadline has passed. */
  expired(now: number): boolean {
    return now >= this.deadline;
  }
}
