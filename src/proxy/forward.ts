import type { Dispatcher } from 'undici';
import type { TryErrorKind } from '../core/events.js';
import { Link, OPEN, type OutcomeRecorder, type TryHandle, type TryOutcome } from './contracts.js';
import type { Exchange } from './exchange.js';
import { relayInterim } from './interim.js';
import { classifyError, codeForError } from './try-error.js';
import type { UpstreamHost, UpstreamPool } from './upstream/types.js';

const WAITING = 0; // no response head yet
const STREAMING = 1; // head committed to the client, body flowing
const DONE = 2; // outcome reported

/** One shared error object for our own aborts: the try's `abortKind` carries the reason. */
const ABORTED = Object.assign(new Error('keel: upstream try aborted'), { code: 'KEEL_TRY_ABORTED' });

/**
 * The last link: sends ONE try to the host the pick link chose (`ex.nextTry`, handover.ts)
 * through the host's undici pool, with undici's handler API (onConnect/onHeaders/onData/
 * onComplete/onError): no promise and no stream object per response. The connect timeout is
 * the pool's (undici); first-byte and idle timeouts are the gateway's sweep for a client exchange
 * (ForwardTry.sweep) and undici's for a detached one (see dispatch).
 */
export class ForwardLink extends Link<Exchange> {
  readonly pool: UpstreamPool;
  readonly firstByteMs: number;
  readonly idleMs: number;

  constructor(pool: UpstreamPool, firstByteMs: number, idleMs: number) {
    super();
    this.pool = pool;
    this.firstByteMs = firstByteMs;
    this.idleMs = idleMs;
  }

  dispatch(ex: Exchange): void {
    const now = ex.gw.clock.now();
    const t = new ForwardTry(ex, this, ex.tries, now);
    const host = t.host;
    if (ex.tries === 0) ex.firstHostId = host.id;
    else ex.tried?.add(host.id);
    ex.tries++;
    ex.live.push(t);
    // A client exchange's tries are timed by the gateway's sweep (ForwardTry.sweep), not by
    // undici: undici arms a new timer object for each phase of each request (headers, body) and
    // keeps its 1 s-resolution ones listed until its next tick, long enough for V8 to promote
    // them — old-space garbage that made full GCs, and the p99 stalls they bring, 2-3x as frequent
    // (docs/benchmarks.md, "undici's timers"). A detached exchange (a background cache refresh)
    // is not swept: undici keeps its timeouts, the first byte cut to the route deadline.
    const swept = ex.inLive;
    const headersTimeout = swept ? 0 : Math.min(this.firstByteMs, Math.max(1, ex.deadline - now));
    try {
      host.dispatcher.dispatch(
        {
          origin: host.origin,
          path: ex.target,
          method: ex.method,
          headers: ex.upHeaders,
          body: ex.body,
          headersTimeout,
          bodyTimeout: swept ? 0 : this.idleMs,
        },
        t,
      );
    } catch (err) {
      t.onError(err as Error);
    }
  }
}

/** The undici handler of one try. Fixed shape; reports to the pool exactly once (#end). */
export class ForwardTry implements Dispatcher.DispatchHandler, TryHandle {
  readonly ex: Exchange;
  readonly link: ForwardLink;
  readonly host: UpstreamHost;
  readonly attempt: number;
  readonly started: number;
  readonly hedge: boolean;
  readonly token: boolean;
  readonly recorder: OutcomeRecorder | null;
  /** The client span id sent upstream in traceparent ('' when tracing is off). */
  readonly spanId: string;
  state = WAITING;
  status = 0;
  headMs = -1;
  abortKind: TryErrorKind | '' = '';
  /** Swept time waiting for the head since the upload ended; -1 = not yet seen by a sweep. */
  waitMs = -1;
  /** Swept time with no body data while streaming; -1 = data since the last sweep. */
  quietMs = -1;
  #abort: ((err?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  /** Body bytes still to come when the upstream sent a Content-Length, else -1. */
  #left = -1;
  #ended = false;

  /** Takes the exchange's hand-over (handover.ts): everything the links above left for this try. */
  constructor(ex: Exchange, link: ForwardLink, attempt: number, now: number) {
    const next = ex.nextTry;
    this.ex = ex;
    this.link = link;
    this.host = next.host!;
    this.attempt = attempt;
    this.started = now;
    this.hedge = next.hedge;
    this.token = next.token;
    this.recorder = next.recorder;
    this.spanId = next.spanId;
    next.clear();
  }

  /** Stop this try (client gone, deadline, hedge lost). Safe to call at any point. */
  abort(kind: TryErrorKind): void {
    if (this.state === DONE) return;
    if (this.abortKind === '') this.abortKind = kind;
    // Not connected yet: onConnect aborts as soon as undici hands us the abort function.
    this.#abort?.(ABORTED);
  }

  /**
   * The gateway's sweep (client exchanges only): the first-byte and idle timeouts with undici's
   * rules — no first-byte timeout while the request body is still being sent, no idle timeout
   * while the client is not reading. `elapsed` is the real time since the previous sweep; a clock
   * starts at the first sweep after its event, so a timeout never fires early and at most two
   * sweep periods (a fifth of the shortest timeout) late. Real time, not the gateway's clock:
   * these bound waits on sockets, as undici's timers did.
   */
  sweep(elapsed: number): void {
    if (this.state === WAITING) {
      const body = this.ex.body;
      if (this.waitMs < 0 || (body !== null && !Buffer.isBuffer(body) && !body.complete)) this.waitMs = 0;
      else {
        this.waitMs += elapsed;
        if (this.waitMs >= this.link.firstByteMs) this.abort('timeout');
      }
    } else if (this.state === STREAMING) {
      if (this.quietMs < 0 || this.ex.res.writableNeedDrain) this.quietMs = 0;
      else {
        this.quietMs += elapsed;
        if (this.quietMs >= this.link.idleMs) this.abort('idle');
      }
    }
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.abortKind !== '') abort(ABORTED);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) {
      relayInterim(this.ex, status, raw); // 1xx (RFC 9110 §15.2): to the client, never a try's end
      return true;
    }
    if (this.state !== WAITING) return false;
    const ex = this.ex;
    this.status = status;
    this.headMs = ex.gw.clock.now() - this.started;
    if (ex.state !== OPEN) {
      this.abort('aborted');
      return false;
    }
    if (this.link.up.head(ex, this, status, raw)) {
      this.state = STREAMING;
      this.#resume = resume;
      this.#left = contentLength(raw);
      return true;
    }
    // Discarded for a retry: the status is this try's verdict; the connection is cut.
    this.#end(null);
    this.#abort?.(ABORTED);
    return false;
  }

  onData(chunk: Buffer): boolean {
    if (this.state !== STREAMING) return false;
    this.quietMs = -1;
    const cap = this.ex.capture;
    if (cap !== null) {
      cap.data(chunk);
      if (!cap.relay) return true;
    }
    const res = this.ex.res;
    if (chunk.length === this.#left) {
      // The last chunk of a known-length body: res.end(chunk) corks head, body and end into one
      // writev, without write()'s extra pass and its nextTick uncork (docs/benchmarks.md, "Profile").
      this.#left = -1;
      this.#ended = true;
      res.end(chunk);
      return true;
    }
    if (this.#left > 0) this.#left -= chunk.length;
    if (res.write(chunk)) return true;
    // Backpressure: undici pauses reading the upstream until the client drains.
    res.once('drain', this.#resume!);
    return false;
  }

  onComplete(): void {
    if (this.state !== STREAMING) return;
    const ex = this.ex;
    const cap = ex.capture;
    if (cap !== null) ex.capture = null;
    if (!this.#ended && (cap === null || cap.relay)) ex.res.end();
    this.#end(null);
    cap?.complete(ex);
  }

  onError(err: Error): void {
    if (this.state === DONE) return;
    const ex = this.ex;
    const kind = this.abortKind !== '' ? this.abortKind : classifyError(err, ex);
    const streaming = this.state === STREAMING;
    this.#end(kind);
    const cap = streaming ? ex.capture : null;
    if (cap !== null) {
      ex.capture = null;
      cap.abort(ex);
      if (!cap.relay) return;
    }
    if (streaming) {
      // After the head went out, the only way to tell the client the body is incomplete is to
      // close its connection.
      if (ex.errorCode === '') ex.errorCode = codeForError(kind, err);
      ex.res.destroy();
      return;
    }
    if (ex.state === OPEN) this.link.up.fail(ex, this, kind, codeForError(kind, err));
  }

  #end(kind: TryErrorKind | null): void {
    this.state = DONE;
    const ex = this.ex;
    const live = ex.live;
    const i = live.indexOf(this);
    if (i >= 0) live.splice(i, 1);
    // A response's latency is its time to first byte, known already: no clock read for it.
    // One clock reading serves the latency, the pool's EWMA and breaker window, and try.done.
    const now = ex.gw.clock.now();
    const latencyMs = this.headMs >= 0 ? this.headMs : now - this.started;
    const outcome: TryOutcome =
      kind === null
        ? { kind: 'response', status: this.status, latencyMs }
        : { kind: 'error', error: kind, latencyMs };
    const pool = this.link.pool;
    pool.tryEnd(this.host, outcome, now, ex.endpoint);
    this.recorder?.record(outcome);
    if (this.token) pool.retryBudget.releaseRetry();
    const ch = ex.gw.events.tryDone;
    if (ch.active) {
      ch.publish({
        requestId: ex.requestId,
        route: ex.route?.name ?? '',
        pool: pool.name,
        host: this.host.name,
        attempt: this.attempt,
        hedge: this.hedge,
        status: kind === null ? this.status : 0,
        error: kind ?? '',
        durationMs: now - this.started,
        breakerState: this.host.breaker?.stateName ?? 'closed',
        traceId: ex.traceId,
        spanId: this.spanId,
        parentSpanId: ex.spanId,
        traceFlags: ex.traceFlags,
        startedAt: this.started,
        url: this.host.origin,
        method: ex.method,
      });
    }
  }
}

/**
 * The Content-Length of an upstream response from undici's raw pairs, or -1 (absent, invalid, or
 * too large to be a safe integer). Compares bytes: no string per header.
 */
export function contentLength(raw: Buffer[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 14 || (name[0]! | 0x20) !== 0x63 /* c */) continue;
    if (name.toString('latin1').toLowerCase() !== 'content-length') continue;
    const v = raw[i + 1]!;
    let n = 0;
    if (v.length === 0 || v.length > 15) return -1;
    for (let j = 0; j < v.length; j++) {
      const d = v[j]! - 0x30;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  }
  return -1;
}
