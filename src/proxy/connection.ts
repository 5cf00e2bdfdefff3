import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FrontInfo } from './front/info.js';
import type { KeelRequest, KeelResponse, ResponseTurn } from './messages.js';

/**
 * Requests a connection may have parsed and waiting behind the one being served. Beyond it the
 * connection stops reading and closes once those are answered; the client retries what was not
 * (RFC 9112 §9.3.2). 16 is more than pipelining clients keep outstanding in practice.
 */
export const PIPELINE_QUEUE_MAX = 16;

/**
 * Requests still arriving while the connection closes. node:http parses a whole read (up to
 * 64 KiB, thousands of small requests) before Keel can stop it, so a flood's first read is let
 * through unanswered; more than that means the socket was read again, and the connection is cut.
 */
const DROPPED_MAX = 4096;

/** Where a connection's requests go, one at a time (the gateway). */
export interface ConnectionHandlers {
  request(req: KeelRequest, res: KeelResponse, front: FrontInfo): void;
  upgrade(req: KeelRequest, socket: Duplex, head: Buffer, front: FrontInfo): void;
}

/** What to do with a parse error or a header timeout node reports on the connection. */
export type ParseErrorAction =
  /** Nothing is outstanding, or the error is in the request whose answer has not started: a raw answer, then close. */
  | 'answer'
  /** The error is in the request being answered, whose head went out: close. */
  | 'cut'
  /** The error is after requests still being answered: close once they are, writing nothing. */
  | 'after';

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * One client connection's HTTP/1.x requests, served one at a time, in order, as nginx and
 * HAProxy do (docs/proxying.md, "Pipelining"). node:http emits 'request' for every request of a
 * read at once and would run them all concurrently, each in flight and in the bulkhead; here a
 * request waits until the response before it has closed. So a connection holds at most one
 * exchange and one bulkhead slot, and its responses never queue behind one another inside node,
 * where a response that never got the socket also never closed and its exchange stayed in flight
 * for good. While requests wait (or the connection is closing) the socket is not read: it is
 * paused, and paused again whenever node resumes it — node resumes a paused socket when a
 * response's output is accounted or a body is read. Fixed shape, made once per connection.
 */
export class ClientConnection implements ResponseTurn {
  readonly socket: Socket;
  /** The listener's front end (front/info.ts): plain HTTP/1.x, or HTTP/1.1 over TLS. */
  readonly front: FrontInfo;
  readonly #handlers: ConnectionHandlers;
  /** The request being served (its response has not closed yet), or null. */
  #current: KeelRequest | null = null;
  #currentRes: KeelResponse | null = null;
  /** Nothing more is read: what is queued is served, then the connection closes. */
  #closing = false;
  readonly #reqs: KeelRequest[] = [];
  readonly #ress: KeelResponse[] = [];
  /** An upgrade that came behind the request being served (node stops parsing after it). */
  #upgrade: KeelRequest | null = null;
  #upgradeHead: Buffer | null = null;
  #dropped = 0;

  constructor(socket: Socket, handlers: ConnectionHandlers, front: FrontInfo) {
    this.socket = socket;
    this.#handlers = handlers;
    this.front = front;
    socket.on('resume', this.#keepPaused);
  }

  /** After node's own 'resume' listener, in the same tick: no read happens in between. */
  readonly #keepPaused = (): void => {
    if (this.#closing || this.#reqs.length > 0) this.socket.pause();
  };

  /** A response is being produced or requests wait: no raw answer may be written now. */
  get busy(): boolean {
    return this.#current !== null;
  }

  /** Requests parsed and waiting their turn. */
  get queued(): number {
    return this.#reqs.length;
  }

  request(req: KeelRequest, res: KeelResponse): void {
    if (this.#closing) {
      this.#drop();
      return;
    }
    if (this.#current === null) {
      this.#serve(req, res);
      return;
    }
    if (this.#reqs.length >= PIPELINE_QUEUE_MAX) {
      this.#closeAfterQueue();
      this.#drop();
      return;
    }
    this.#reqs.push(req);
    this.#ress.push(res);
    this.socket.pause();
  }

  /** node handed the socket over for an upgrade: it runs once the responses before it closed. */
  upgrade(req: KeelRequest, socket: Duplex, head: Buffer): void {
    // node removed its own error listener from the socket; an unhandled 'error' would throw.
    socket.on('error', destroyOnError);
    // The socket leaves HTTP/1.1: it is read again by the tunnel, or not at all.
    socket.off('resume', this.#keepPaused);
    if (this.#closing) return; // unanswered, like any request after the queue was full
    if (this.#current !== null) {
      this.#upgrade = req;
      this.#upgradeHead = head;
      return;
    }
    this.#closing = true;
    this.#handlers.upgrade(req, socket, head, this.front);
  }

  /**
   * A parse error or a header timeout (`timeout`). A raw 400 or 408 written while a response is
   * in flight or queued would land inside it, or be taken for the answer to an earlier request:
   * node writes one only when no response has started (lib/_http_server.js socketOnError), and
   * Keel only when nothing at all is outstanding — or when the error is in the very request
   * being served (its body), whose answer has not started.
   */
  parseError(timeout: boolean): ParseErrorAction {
    const current = this.#current;
    if (current === null) return 'answer';
    if (!timeout && !current.complete && this.#reqs.length === 0) {
      return this.#currentRes!.headersSent ? 'cut' : 'answer';
    }
    this.#closeAfterQueue();
    return 'after';
  }

  /** The current response closed (messages.ts onResponseClose): the next request may go. */
  responseClosed(): void {
    this.#current = null;
    this.#currentRes = null;
    const s = this.socket;
    if (s.destroyed || !s.writable) {
      // The connection is over (the client left, or the response closed it): what waits stays
      // unanswered, and the client may retry it (RFC 9112 §9.3.2).
      this.#reqs.length = 0;
      this.#ress.length = 0;
      this.#upgrade = null;
      this.#upgradeHead = null;
      return;
    }
    if (this.#reqs.length > 0) {
      this.#serve(this.#reqs.shift()!, this.#ress.shift()!);
      // The last one waiting may still be receiving its body: read again.
      if (this.#reqs.length === 0 && !this.#closing) s.resume();
      return;
    }
    const up = this.#upgrade;
    if (up !== null) {
      const head = this.#upgradeHead!;
      this.#upgrade = null;
      this.#upgradeHead = null;
      this.#closing = true;
      this.#handlers.upgrade(up, s, head, this.front);
      return;
    }
    if (this.#closing) s.destroySoon();
    else s.resume();
  }

  #closeAfterQueue(): void {
    this.#closing = true;
    this.socket.pause();
  }

  #serve(req: KeelRequest, res: KeelResponse): void {
    this.#current = req;
    this.#currentRes = res;
    res.turn = this;
    this.#handlers.request(req, res, this.front);
  }

  #drop(): void {
    if (++this.#dropped > DROPPED_MAX) this.socket.destroy();
    else this.socket.pause();
  }
}
