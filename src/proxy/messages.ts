import { type IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** The exchange as the messages see it: told when a streamed body passes its limit. */
export interface BodyLimitOwner {
  bodyTooLarge(): void;
}

/**
 * A client request as the request path reads it, from either front end: node:http's (KeelRequest,
 * HTTP/1.x, plain or over TLS) or node:http2's compatibility layer (front/h2-messages.ts).
 * `rawHeaders` is always in HTTP/1 form: the HTTP/2 front end turns its pseudo-header fields
 * into Host and framing (docs/http2.md, "One request path").
 */
export interface ClientRequest extends Readable {
  readonly rawHeaders: string[];
  readonly headers: IncomingHttpHeaders;
  readonly url?: string | undefined;
  readonly method?: string | undefined;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly complete: boolean;
  readonly socket: { readonly remoteAddress?: string | undefined };
  /** Bytes still allowed; -1 = not counted (bodies with a known length are checked up front). */
  bodyBudget: number;
  bodyOwner: BodyLimitOwner | null;
  /** "Expect: 100-continue" not yet answered (KeelRequest.awaitingContinue). */
  awaitingContinue: boolean;
}

/** A client response as the request path writes it, from either front end. */
export interface ClientResponse {
  owner: { clientClosed(): void } | null;
  /** The HTTP/1.x connection serving its requests one at a time (connection.ts); null for HTTP/2. */
  turn: ResponseTurn | null;
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableNeedDrain: boolean;
  writeHead(status: number, headers: string[]): unknown;
  setHeader(name: string, value: string): unknown;
  writeContinue(): unknown;
  /** 1xx interim answers (interim.ts, RFC 9110 §15.2). */
  writeProcessing(): unknown;
  writeEarlyHints(hints: Record<string, string | string[]>): unknown;
  /**
   * What carries this response's bytes, to hold them back a moment (the cache's invalidation,
   * cache/storing.ts): the connection's socket over HTTP/1.x, the response's own stream over
   * HTTP/2 (corking the session's socket would hold nothing back, and every stream). Null once
   * there is none.
   */
  output(): { cork(): void; uncork(): void; readonly destroyed: boolean } | null;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer | string): unknown;
  destroy(err?: Error): unknown;
  once(event: 'drain', fn: () => void): unknown;
  on(event: 'close', fn: (this: ClientResponse) => void): unknown;
}

/**
 * Counts a pushed body chunk against the request's budget (KeelRequest and the HTTP/2 request
 * share it). False when the chunk must be dropped: past the limit, the owner is told once and
 * every later chunk is dropped too, which stops reading from the client.
 */
export function admitChunk(req: ClientRequest, chunk: unknown): boolean {
  if (req.bodyBudget >= 0 && chunk instanceof Buffer) {
    req.bodyBudget -= chunk.length;
    if (req.bodyBudget < 0) {
      req.bodyBudget = Number.NEGATIVE_INFINITY; // stays below 0: every later chunk is dropped too
      req.bodyOwner?.bodyTooLarge();
      return false;
    }
    return true;
  }
  return req.bodyBudget !== Number.NEGATIVE_INFINITY;
}

/**
 * node:http request with two fixed extra fields: the same shape for every request
 * (docs/architecture.md, "No allocation on the hot path").
 * A chunked body has no length up front, so its limit is enforced here: node's parser hands every
 * body chunk to push(), before any consumer (undici) sees it. Past the limit the chunk is dropped
 * and push() returns false, which stops reading from the socket; the exchange answers 413 and
 * closes the connection.
 */
export class KeelRequest extends IncomingMessage implements ClientRequest {
  /** Bytes still allowed; -1 = not counted (bodies with Content-Length are checked up front). */
  bodyBudget = -1;
  bodyOwner: BodyLimitOwner | null = null;
  /**
   * The client sent "Expect: 100-continue" and has not been told to go on: the listener's
   * 'checkContinue' sets it, handle.ts clears it when it writes 100 Continue (only once the
   * request is admitted, RFC 9110 §10.1.1), and an answer before that closes the connection.
   */
  awaitingContinue = false;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (this.bodyBudget === -1) return super.push(chunk, encoding);
    return admitChunk(this, chunk) && super.push(chunk, encoding);
  }
}

/** What a response tells its connection when it is over (connection.ts: the next request may go). */
export interface ResponseTurn {
  responseClosed(): void;
}

/** node:http response carrying its exchange, so 'close' is handled by one shared function. */
export class KeelResponse extends ServerResponse<KeelRequest> implements ClientResponse {
  owner: { clientClosed(): void } | null = null;
  /** The client connection serving its requests one at a time (connection.ts), or null. */
  turn: ResponseTurn | null = null;

  output(): Socket | null {
    return this.socket;
  }
}

/** Registered on every response: no closure is allocated per request. */
export function onResponseClose(this: ClientResponse): void {
  const owner = this.owner;
  this.owner = null;
  owner?.clientClosed();
  // After the exchange is finished: the in-flight count drops before the next request starts.
  const turn = this.turn;
  if (turn !== null) {
    this.turn = null;
    turn.responseClosed();
  }
}

/**
 * A response that writes nowhere, for an exchange with no client (the cache's background
 * refresh). node:http's constructor reads only the request's method, version and TE field,
 * which an HTTP/2 request has too.
 */
export function detachedResponse(req: ClientRequest): KeelResponse {
  return new KeelResponse(req as unknown as KeelRequest);
}
