import type { ErrorCode } from '../core/errors.js';
import type { TryErrorKind } from '../core/events.js';
import type { Exchange } from './exchange.js';
import type { ForwardTry } from './forward.js';

/**
 * Where try results go, toward the client. Calls travel up the chain synchronously, with the
 * exchange as an argument: links are shared by every request of a route and keep their
 * per-request state on the exchange, so a result costs no allocation.
 */
export interface Sink {
  /**
   * An upstream response head arrived on try `t`. Returns true when it was committed to the
   * client (the body then streams through), false when it is discarded (a retry follows).
   */
  head(ex: Exchange, t: ForwardTry, status: number, raw: Buffer[]): boolean;
  /**
   * A try failed before its head was committed; `t` is null when the request was refused before
   * any try existed (no host, breaker open). `code` is the answer the failure maps to.
   */
  fail(ex: Exchange, t: ForwardTry | null, kind: TryErrorKind, code: ErrorCode): void;
}

/**
 * One policy wrapped around the dispatch function below it (STYLE.md §7): deadline, bulkhead,
 * retry or hedge, route breaker, pick, forward. Composed once per route per config version
 * (chain.ts); a disabled feature is a missing link (STYLE.md §9).
 */
export abstract class Link implements Sink {
  /** The next link toward the upstream (unused by the last one). */
  next!: Link;
  /** The link toward the client. */
  up!: Sink;

  /** Start (or continue) the request through this link. */
  abstract dispatch(ex: Exchange): void;

  head(ex: Exchange, t: ForwardTry, status: number, raw: Buffer[]): boolean {
    return this.up.head(ex, t, status, raw);
  }

  fail(ex: Exchange, t: ForwardTry | null, kind: TryErrorKind, code: ErrorCode): void {
    this.up.fail(ex, t, kind, code);
  }
}

/** Wires links top (client side) to bottom (upstream side) under `top`; returns the entry link. */
export function compose(top: Sink, links: readonly Link[]): Link {
  if (links.length === 0) throw new RangeError('compose: a chain needs at least one link');
  let up: Sink = top;
  for (let i = 0; i < links.length; i++) {
    const l = links[i]!;
    l.up = up;
    if (i + 1 < links.length) l.next = links[i + 1]!;
    up = l;
  }
  return links[0]!;
}
