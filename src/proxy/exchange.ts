import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/errors.js';
import type { TryErrorKind } from '../core/events.js';
import type { ConcurrencyLimiter, QueueTicket } from '../core/limiter.js';
import type { Random } from '../core/random.js';
import type { CacheJob } from './cache/job.js';
import type { ProxyEvents } from './context.js';
import { type BodyCapture, CLOSED, type ExchangeState, OPEN, type TryHandle } from './contracts.js';
import { type FrontInfo, PLAIN_FRONT } from './front/info.js';
import { TryHandover } from './handover.js';
import type { RequestHead } from './headers.js';
import type { LiveNode } from './live-list.js';
import type { BodyLimitOwner, ClientRequest, ClientResponse } from './messages.js';
import type { RouteInfo, SnapshotInfo } from './snapshot-info.js';
import type { Endpoint } from './upstream/endpoint.js';

/** What every exchange reads of its gateway (one object per gateway, not per request). */
export interface GatewayContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly events: ProxyEvents;
  /** True once drain() started: answers carry `Connection: close`. */
  readonly draining: boolean;
  /** Bookkeeping when an exchange ends (in-flight list, snapshot references, request.done). */
  finished(ex: Exchange): void;
  /** A chunked request body passed the route's max_body_bytes (KeelRequest.push). */
  bodyTooLarge(ex: Exchange): void;
  /**
   * Routes whose retries a budget policy stopped (Gateway.setRoutePolicies). Read only when a
   * retry is considered, and only when not empty: the common case costs one size check.
   */
  readonly noRetry: ReadonlySet<string>;
  /** Route name → share of its requests shed by a budget policy (shed_share); empty = none. */
  readonly shedShare: ReadonlyMap<string, number>;
}

const NO_HEADERS: string[] = [];

/**
 * One client request and everything the chain keeps about it. Links are shared by every request
 * of a route, so a link's per-request state lives here, in fixed fields: every field is set in
 * the constructor and all exchanges share one hidden class (docs/architecture.md, "No allocation
 * on the hot path"; exchange.test.ts checks it). The fields are grouped by the file that writes
 * them; the table "The exchange: who writes, who reads" in docs/architecture.md adds the readers.
 * A link writes its own group only; what it leaves for the next try goes in `nextTry`.
 */
export class Exchange implements RequestHead, BodyLimitOwner, LiveNode {
  // Set once, here: by handle.ts for a client request, by the cache for a background refresh.
  readonly req: ClientRequest;
  readonly res: ClientResponse;
  readonly gw: GatewayContext;
  /** The config version this request started on: it finishes on it, whatever reloads happen. */
  readonly snap: SnapshotInfo;
  readonly start: number;
  readonly method: string;

  // The request head: scanRequestHeaders (headers.ts), called by admit.ts. `upHeaders` is then
  // rewritten by the trace links (traceparent slot) and the cache (validators).
  host = '';
  contentLength = -1;
  chunked = false;
  framing: RequestHead['framing'] = '';
  requestId = '';
  upHeaders: string[] = NO_HEADERS;

  // Routing: admit.ts (the targets) and handle.ts, before the chain runs.
  route: RouteInfo | null = null;
  /** Target sent upstream (prefix stripped when the route says so). */
  target = '';
  /** Target as the client sent it (dot segments removed): what the cache keys on. */
  clientTarget = '';
  /** The request body: the request stream, or (policy/replay.ts) the buffered bytes. */
  body: Buffer | ClientRequest | null = null;
  /** The listener's kind (front/info.ts): plain or TLS. */
  front: FrontInfo = PLAIN_FRONT;

  // Policies that bound the whole request: DeadlineLink, RetryLink (policy/replay.ts).
  deadline = Number.POSITIVE_INFINITY;
  /** False once the body is a stream that cannot be sent twice: no retry, no hedge. */
  replayable = true;
  /** The request's endpoint (EndpointLink): read by retry and hedge, told of every try's end. */
  endpoint: Endpoint | null = null;

  // W3C trace context: TraceLink and adoptTraceContext (trace/); '' and 0 when tracing is off.
  traceId = '';
  /** The server span: this request as Keel handles it. */
  spanId = '';
  /** The caller's span, from a valid incoming traceparent; '' for a root span. */
  parentSpanId = '';
  traceFlags = 0;
  traceState = '';

  // The answer: respond.ts (answerError, the responder), the cache when it answers, and
  // clientClosed; `errorCode` also by the forward link and the sweep when a body is cut.
  state: ExchangeState = OPEN;
  status = 0;
  errorCode: ErrorCode | '' = '';
  /** The host whose head was committed (the responder). */
  answerHost = '';
  /** Retry-After of a breaker answer: the pick or the route breaker, read by respond.ts. */
  retryAfterMs = 0;
  /** Shed by the bulkhead or a budget policy (handle.ts). */
  shed = false;

  // The edge cache (cache/): the request's cache state, the body capture while a response is
  // being stored (read by the forward link), and the outcome for the access log ('' when the
  // route does not cache).
  cacheJob: CacheJob | null = null;
  capture: BodyCapture<Exchange> | null = null;
  cacheOutcome = '';

  // Tries: the forward link counts and lists them; the retry and hedge links count their own.
  tries = 0;
  /** The tries still running (ForwardTry adds and removes itself). */
  live: TryHandle[] = [];
  firstHostId = '';
  /** Hosts tried, made by the retry link on the first retry; the pick avoids them. */
  tried: Set<string> | null = null;
  retries = 0;
  hedges = 0;
  /** The failure a scheduled retry replaces; the answer if that retry is refused by the budget. */
  lastKind: TryErrorKind | '' = '';
  lastCode: ErrorCode | '' = '';
  retryTimer: NodeJS.Timeout | null = null;
  /** The hedge queue this request waits in (policy/hedge-queue.ts), and its slot: left in stop(). */
  hedgeQueue: { drop(x: Exchange): void } | null = null;
  hedgeSlot = -1;
  /** What the links above the forward link leave for the next try (handover.ts). */
  readonly nextTry = new TryHandover();

  // The bulkhead (policy/bulkhead.ts): a queued wait, and the limiter whose slot this exchange
  // holds once granted (released by Gateway.finished).
  queueTimer: NodeJS.Timeout | null = null;
  ticket: QueueTicket | null = null;
  slot: ConcurrencyLimiter | null = null;

  // The gateway's in-flight list (live-list.ts).
  livePrev: Exchange | null = null;
  liveNext: Exchange | null = null;
  inLive = false;

  constructor(
    req: ClientRequest,
    res: ClientResponse,
    snap: SnapshotInfo,
    gw: GatewayContext,
    start: number,
  ) {
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
    if (this.hedgeQueue !== null) this.hedgeQueue.drop(this);
    if (this.queueTimer !== null) clearTimeout(this.queueTimer);
    this.retryTimer = this.queueTimer = null;
    if (this.ticket !== null) {
      this.route?.pool.limiter?.cancel(this.ticket);
      this.ticket = null;
    }
    const next = this.nextTry;
    if (next.token) {
      // A retry was scheduled (its budget token taken) but will never start.
      next.token = false;
      this.route?.pool.retryBudget.releaseRetry();
    }
  }

  /** True when the route's deadline has passed. */
  expired(now: number): boolean {
    return now >= this.deadline;
  }
}
