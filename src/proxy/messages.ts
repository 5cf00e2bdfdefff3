import { IncomingMessage, ServerResponse } from 'node:http';

/** The exchange as the messages see it: told when a streamed body passes its limit. */
export interface BodyLimitOwner {
  bodyTooLarge(): void;
}

/**
 * node:http request with two fixed extra fields: the same shape for every request
 * (docs/architecture.md, "No allocation on the hot path").
 * A chunked body has no length up front, so its limit is enforced here: node's parser hands every
 * body chunk to push(), before any consumer (undici) sees it. Past the limit the chunk is dropped
 * and push() returns false, which stops reading from the socket; the exchange answers 413 and
 * closes the connection.
 */
export class KeelRequest extends IncomingMessage {
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
    if (this.bodyBudget >= 0 && chunk instanceof Buffer) {
      this.bodyBudget -= chunk.length;
      if (this.bodyBudget < 0) {
        this.bodyBudget = Number.NEGATIVE_INFINITY; // stays below 0: every later chunk is dropped too
        this.bodyOwner?.bodyTooLarge();
        return false;
      }
    } else if (this.bodyBudget === Number.NEGATIVE_INFINITY) {
      return false;
    }
    return super.push(chunk, encoding);
  }
}

/** What a response tells its connection when it is over (connection.ts: the next request may go). */
export interface ResponseTurn {
  responseClosed(): void;
}

/** node:http response carrying its exchange, so 'close' is handled by one shared function. */
export class KeelResponse extends ServerResponse<KeelRequest> {
  owner: { clientClosed(): void } | null = null;
  /** The client connection serving its requests one at a time (connection.ts), or null. */
  turn: ResponseTurn | null = null;
}

/** Registered on every response: no closure is allocated per request. */
export function onResponseClose(this: KeelResponse): void {
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
