import type { ErrorCode } from '../core/errors.js';
import type { TryErrorKind } from '../core/events.js';

/*
 * The contracts of the request path (docs/architecture.md, "The exchange: who writes, who
 * reads"). This file imports nothing of the proxy room, so every file of the path can import it,
 * exchange.ts included, without closing an import circle.
 *
 * `X` is always the Exchange (exchange.ts). A contract that hands the exchange back — a link's
 * dispatch, a sink's head and fail, a body capture's end — takes it as a type parameter instead
 * of importing it, because exchange.ts imports this file. Users write the argument once:
 * `class PickLink extends Link<Exchange>`, `capture: BodyCapture<Exchange> | null`.
 *
 * The two imports are types from src/core, which imports nothing back: the error codes and the
 * try error kinds are the product's shared vocabulary (docs/errors.md, the events), and a copy
 * here could drift from them.
 */

/**
 * Exchange lifecycle. OPEN: no answer yet; COMMITTED: a response head went to the client (an
 * upstream's, or a stored one from the cache); ANSWERED: Keel answered itself with an error
 * (respond.ts); CLOSED: the response is over, or the client left. Only an OPEN exchange may
 * still be answered.
 */
export const OPEN = 0;
export const COMMITTED = 1;
export const ANSWERED = 2;
export const CLOSED = 3;
export type ExchangeState = typeof OPEN | typeof COMMITTED | typeof ANSWERED | typeof CLOSED;

/** How one try ended, reported by the request path back to the pool (feeds EWMA, outlier, breaker). */
export type TryOutcome =
  | { kind: 'response'; status: number; latencyMs: number }
  | { kind: 'error'; error: TryErrorKind; latencyMs: number };

/** Told how a try it admitted ended, exactly once (the route breaker; see TryHandover.recorder). */
export interface OutcomeRecorder {
  record(outcome: TryOutcome): void;
}

/**
 * A running upstream try as the exchange and the links see it (forward.ts's ForwardTry is the
 * one kind). The exchange lists its live tries to stop them and to time them; a sink is told
 * which try a head or a failure came from.
 */
export interface TryHandle {
  /** The host it went to, and its position in the pool (per-host arrays of an endpoint). */
  readonly host: { readonly name: string; readonly index: number };
  /** When it started, on the gateway's clock. */
  readonly started: number;
  /** Time to the response head (ms) once one arrived; -1 before. */
  readonly headMs: number;
  /** Stops the try (client gone, deadline, hedge lost); it then fails with `kind`. Safe at any point. */
  abort(kind: TryErrorKind): void;
  /** The gateway's periodic check of the first-byte and idle timeouts, `elapsedMs` after the last. */
  sweep(elapsedMs: number): void;
}

/**
 * Where try results go, toward the client. Calls travel up the chain synchronously, with the
 * exchange as an argument: links are shared by every request of a route and keep their
 * per-request state on the exchange, so a result costs no allocation.
 */
export interface Sink<X> {
  /**
   * An upstream response head arrived on try `t`. Returns true when it was committed to the
   * client (the body then streams through), false when it is discarded (a retry follows).
   */
  head(ex: X, t: TryHandle, status: number, raw: Buffer[]): boolean;
  /**
   * A try failed before its head was committed; `t` is null when the request was refused before
   * any try existed (no host, breaker open). `code` is the answer the failure maps to.
   */
  fail(ex: X, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void;
}

/**
 * One policy wrapped around the dispatch function below it: trace, cache, deadline, bulkhead,
 * retry or hedge, route breaker, pick, try trace, forward (docs/architecture.md, "Links around
 * one dispatch"). Composed once per route per config version (chain.ts); a disabled feature is a
 * missing link ("Decide at setup"). A link passes results up unchanged unless it overrides
 * head or fail.
 */
export abstract class Link<X> implements Sink<X> {
  /** The next link toward the upstream (unused by the last one). */
  next!: Link<X>;
  /** The link toward the client. */
  up!: Sink<X>;

  /** Start (or continue) the request through this link. */
  abstract dispatch(ex: X): void;

  head(ex: X, t: TryHandle, status: number, raw: Buffer[]): boolean {
    return this.up.head(ex, t, status, raw);
  }

  fail(ex: X, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void {
    this.up.fail(ex, t, kind, code);
  }
}

/**
 * Where the forward link sends a committed try's body besides (or instead of) the client: the
 * cache filling a store. Set on the exchange only while a response is being captured.
 */
export interface BodyCapture<X> {
  /** False when the body goes only here: Keel answered the client itself, or there is no client. */
  readonly relay: boolean;
  data(chunk: Buffer): void;
  /** The body ended completely (called after the try was reported to its pool). */
  complete(ex: X): void;
  /** The body did not end: the try failed or the client left. */
  abort(ex: X): void;
}
