import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
 * through unanswered; a client that goes on sending after that has the connection cut at once.
 */
const DROPPED_MAX = 4096;

/** Where a connection's requests go, one at a time (the gateway). */
export interface ConnectionHandlers {
  request(req: KeelRequest, res: KeelResponse, defaultPort: number): void;
  upgrade(req: KeelRequest, socket: Duplex, head: Buffer, defaultPort: number): void;
}

/**
 * node:http's per-socket pipelining flag (lib/_http_server.js, `socket._paused`): node sets it
 * when it pauses a socket because responses pile up, and while it is set node neither resumes
 * the socket when a request body is read nor lets its parser run. Keel sets it the same way for
 * requests waiting their turn; without it, reading a body (`req._read`) would resume the socket.
 * If a future node drops the flag, pause() alone still holds while no body is read, and the
 * queue bound holds whatever node does.
 */
interface NodeHttpSocket {
  _paused?: unknown;
  parser?: { resume(): void } | null;
}

function stopReading(s: Socket): void {
  const n = s as unknown as NodeHttpSocket;
  if (typeof n._paused === 'boolean') n._paused = true;
  s.pause();
}

function startReading(s: Socket): void {
  const n = s as unknown as NodeHttpSocket;
  if (n._paused === true) {
    // Paused by node for responses the client is not reading: node resumes it on 'drain'.
    if (s.writableNeedDrain) return;
    n._paused = false;
    n.parser?.resume();
  }
  s.resume();
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * One client connection's HTTP/1.x requests, served one at a time, in order, as nginx and
 * HAProxy do (docs/proxying.md, "Pipelining"). node:http emits 'request' for every request of a
 * read at once and would run them all concurrently, each in flight and in the bulkhead; here a
 * request waits (with the socket paused) until the response before it has closed. So a
 * connection holds at most one exchange and one bulkhead slot, and its responses never queue
 * behind one another inside node, where a response that never got the socket also never closed
 * and its exchange stayed in flight for good. Fixed shape, made once per connection.
 */
export class ClientConnection implements ResponseTurn {
  readonly socket: Socket;
  readonly defaultPort: number;
  readonly #handlers: ConnectionHandlers;
  /** A request is being served: its response has not closed yet. */
  #busy = false;
  /** Nothing more is read: what is queued is served, then the connection closes. */
  #closing = false;
  readonly #reqs: KeelRequest[] = [];
  readonly #ress: KeelResponse[] = [];
  /** An upgrade that came behind the request being served (node stops parsing after it). */
  #upgrade: KeelRequest | null = null;
  #upgradeHead: Buffer | null = null;
  #dropped = 0;

  constructor(socket: Socket, handlers: ConnectionHandlers, defaultPort: number) {
    this.socket = socket;
    this.#handlers = handlers;
    this.defaultPort = defaultPort;
  }

  /** A response is being produced or requests wait: no raw answer may be written now. */
  get busy(): boolean {
    return this.#busy;
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
    if (!this.#busy) {
      this.#serve(req, res);
      return;
    }
    if (this.#reqs.length >= PIPELINE_QUEUE_MAX) {
      this.closeAfterQueue();
      this.#drop();
      return;
    }
    this.#reqs.push(req);
    this.#ress.push(res);
    stopReading(this.socket);
  }

  /** node handed the socket over for an upgrade: it runs once the responses before it closed. */
  upgrade(req: KeelRequest, socket: Duplex, head: Buffer): void {
    // node removed its own error listener from the socket; an unhandled 'error' would throw.
    socket.on('error', destroyOnError);
    if (this.#closing) return; // unanswered, like any request after the queue was full
    if (this.#busy) {
      this.#upgrade = req;
      this.#upgradeHead = head;
      return;
    }
    this.#closing = true; // the socket leaves HTTP/1.1
    this.#handlers.upgrade(req, socket, head, this.defaultPort);
  }

  /**
   * A parse error or a header timeout while a response is in flight or queued: writing a raw
   * 400 or 408 now would land inside that response (node's own rule in lib/_http_server.js
   * socketOnError: answer only when no response is in flight). Serve what is queued, then close.
   */
  closeAfterQueue(): void {
    this.#closing = true;
    stopReading(this.socket);
  }

  /** The current response closed (messages.ts onResponseClose): the next request may go. */
  responseClosed(): void {
    this.#busy = false;
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
      return;
    }
    const up = this.#upgrade;
    if (up !== null) {
      const head = this.#upgradeHead!;
      this.#upgrade = null;
      this.#upgradeHead = null;
      this.#closing = true;
      this.#handlers.upgrade(up, s, head, this.defaultPort);
      return;
    }
    if (this.#closing) s.destroySoon();
    else startReading(s);
  }

  #serve(req: KeelRequest, res: KeelResponse): void {
    this.#busy = true;
    res.turn = this;
    this.#handlers.request(req, res, this.defaultPort);
  }

  #drop(): void {
    if (++this.#dropped > DROPPED_MAX) this.socket.destroy();
    else stopReading(this.socket);
  }
}
