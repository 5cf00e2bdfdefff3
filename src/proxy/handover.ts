import type { OutcomeRecorder } from './contracts.js';
import type { UpstreamHost } from './upstream/types.js';

/**
 * What the links above the forward link leave for the next try, in one place instead of loose
 * exchange fields (`ex.nextTry`). The links that admit a try write here, and only here; the
 * forward link takes all of it when the try starts and clears it, so nothing leaks into the
 * try after. A link that refused below it (no host, every breaker open: `Sink.fail` with a null
 * try) undoes what it wrote.
 *
 * One per exchange, made in the Exchange constructor and reused for every try: fixed shape, no
 * allocation per try (docs/architecture.md, "No allocation on the hot path").
 *
 * | field      | written by                                    | read by                       |
 * | ---------- | --------------------------------------------- | ----------------------------- |
 * | `host`     | PickLink (policy/pick.ts)                     | ForwardLink                   |
 * | `token`    | RetryLink.admit / runRetry (policy/retry.ts)  | ForwardTry; Exchange.stop     |
 * | `hedge`    | HedgeLink.runHedge (policy/hedge.ts)          | ForwardTry (try.done)         |
 * | `recorder` | RouteBreakerLink (policy/breaker.ts)          | ForwardTry, when the try ends |
 * | `spanId`   | TryTraceLink (trace/links.ts)                 | ForwardTry (try.done)         |
 */
export class TryHandover {
  /** The host the pick chose; its pool slot (`pool.tryStart`) is already taken. */
  host: UpstreamHost | null = null;
  /** A retry-budget token was taken for this try: the try gives it back when it ends. */
  token = false;
  /** The try is a hedge, not the first try or a retry. */
  hedge = false;
  /** The route breaker that admitted the try: told how it ended. */
  recorder: OutcomeRecorder | null = null;
  /** The try's client span id, sent upstream in traceparent; '' when tracing is off. */
  spanId = '';

  /** Back to empty, once the try took it (or nothing will take it). */
  clear(): void {
    this.host = null;
    this.token = false;
    this.hedge = false;
    this.recorder = null;
    this.spanId = '';
  }
}
