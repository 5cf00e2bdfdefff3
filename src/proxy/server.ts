import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config, ListenerConfig } from '../config/types.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { ClientConnection, type ConnectionHandlers } from './connection.js';
import { KeelRequest, KeelResponse } from './messages.js';
import { errorBody } from './respond.js';

/** The gateway's entry points; each gets the listener scheme's default port (authority.ts). */
export type ListenerHandlers = ConnectionHandlers;

/** The default port of the listener's scheme: http's (RFC 9110 §4.2.1); a TLS listener's is 443. */
export function defaultPortOf(_cfg: ListenerConfig): number {
  return 80;
}

/**
 * One node:http listener. Header size and client timeouts are enforced by node:http itself
 * (maxHeaderSize, headersTimeout, keepAliveTimeout); requestTimeout is off because the route
 * deadline bounds whole requests, and a long upload must not be cut by a server-wide timer.
 * Each connection's requests go through its ClientConnection (connection.ts), one at a time.
 */
export class Listener {
  /** The config's name for this address; a reload that renames it keeps the socket (adopt). */
  name: string;
  readonly server: Server<typeof KeelRequest, typeof KeelResponse>;
  /** 80 for http, 443 for https: dropped from request authorities (authority.ts). */
  readonly defaultPort: number;
  #cfg: ListenerConfig;
  readonly #handlers: ListenerHandlers;
  readonly #conns = new WeakMap<Duplex, ClientConnection>();

  constructor(cfg: ListenerConfig, config: Config, handlers: ListenerHandlers) {
    this.name = cfg.name;
    this.#cfg = cfg;
    this.#handlers = handlers;
    this.defaultPort = defaultPortOf(cfg);
    const headersTimeout = config.client.headers_timeout;
    this.server = createServer({
      IncomingMessage: KeelRequest,
      ServerResponse: KeelResponse,
      maxHeaderSize: config.limits.max_header_bytes,
      headersTimeout,
      requestTimeout: 0,
      requireHostHeader: false, // checked by Keel, for its own error answer (headers.ts)
      // node checks headersTimeout on this interval (default 30 s): keep it a fraction of it.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    });
    this.server.keepAliveTimeout = config.client.idle_timeout;
    this.server.on('connection', this.#onConnection);
    this.server.on('request', this.#onRequest);
    // With a listener, node leaves "Expect: 100-continue" to Keel: 100 goes out only once the
    // request is admitted (handle.ts), so a refusal comes instead of it (RFC 9110 §10.1.1).
    this.server.on('checkContinue', this.#onCheckContinue);
    this.server.on('upgrade', this.#onUpgrade);
    this.server.on('clientError', this.#onClientError);
  }

  readonly #onConnection = (socket: Socket): void => {
    this.#conns.set(socket, new ClientConnection(socket, this.#handlers, this.defaultPort));
  };

  readonly #onRequest = (req: KeelRequest, res: KeelResponse): void => {
    const conn = this.#conns.get(req.socket);
    if (conn !== undefined) conn.request(req, res);
    else this.#handlers.request(req, res, this.defaultPort);
  };

  readonly #onCheckContinue = (req: KeelRequest, res: KeelResponse): void => {
    req.awaitingContinue = true;
    this.#onRequest(req, res);
  };

  readonly #onUpgrade = (req: KeelRequest, socket: Duplex, head: Buffer): void => {
    const conn = this.#conns.get(socket);
    if (conn !== undefined) conn.upgrade(req, socket, head);
    else this.#handlers.upgrade(req, socket, head, this.defaultPort);
  };

  /**
   * node:http parse errors and header timeouts. While a response is in flight or queued on the
   * connection, a raw answer would land inside it: the connection closes once those are answered
   * instead (connection.ts parseError).
   */
  readonly #onClientError = (err: ParseError, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(err.code, err);
    const action = this.#conns.get(socket)?.parseError(code === 'KEEL_ERR_CLIENT_TIMEOUT') ?? 'answer';
    if (action === 'cut') socket.destroy();
    else if (action === 'answer') socket.end(rawErrorResponse(code), () => socket.destroy());
  };

  listen(): Promise<{ name: string; host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.#cfg.port, this.#cfg.host, () => {
        this.server.off('error', onError);
        resolve(this.address());
      });
    });
  }

  /**
   * Whether `cfg` names this listener's socket: the address it was configured with (port 0
   * stays 0: it is not re-bound), or the port it was actually given when that was 0.
   */
  sameAddress(cfg: ListenerConfig): boolean {
    if (this.#cfg.host !== cfg.host) return false;
    if (this.#cfg.port === cfg.port) return true;
    const a = this.server.address() as AddressInfo | null;
    return cfg.port !== 0 && a?.port === cfg.port;
  }

  /** A reload kept this socket for `cfg` (gateway.ts #bindListeners): take its name and address. */
  adopt(cfg: ListenerConfig): void {
    this.name = cfg.name;
    this.#cfg = cfg;
  }

  /** The bound address (after listen). */
  address(): { name: string; host: string; port: number } {
    const a = this.server.address() as AddressInfo | null;
    return { name: this.name, host: this.#cfg.host, port: a?.port ?? this.#cfg.port };
  }

  /**
   * A reload dropped this address: stop accepting, let requests in flight finish (connections
   * are closed as they go idle, gateway.ts finished), and cut whatever is left after `graceMs`.
   */
  retire(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  /** Client timeouts may change on reload; header size needs a restart (node fixes it per server). */
  setClientTimeouts(config: Config): void {
    this.server.headersTimeout = config.client.headers_timeout;
    this.server.keepAliveTimeout = config.client.idle_timeout;
  }

  /** Drain step 1: refuse new connections, close the idle keep-alive ones. */
  stopAccepting(): void {
    if (this.server.listening) this.server.close();
    this.server.closeIdleConnections();
  }

  closeIdle(): void {
    this.server.closeIdleConnections();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        this.server.closeAllConnections();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** What node:http's parse errors carry besides the code: the data parsed and where it failed. */
interface ParseError extends NodeJS.ErrnoException {
  rawPacket?: unknown;
  bytesParsed?: unknown;
}

/** node:http parse errors → the Keel answer (the request never reached a handler). */
export function clientErrorCode(code: string | undefined, err?: ParseError): ErrorCode {
  switch (code) {
    case 'HPE_INVALID_VERSION':
      return versionRefusal(err);
    case 'HPE_HEADER_OVERFLOW':
      return 'KEEL_ERR_HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return 'KEEL_ERR_CLIENT_TIMEOUT';
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return 'KEEL_ERR_REQUEST_SMUGGLING';
    default:
      return 'KEEL_ERR_BAD_REQUEST';
  }
}

/**
 * node's parser takes HTTP/1.0, 1.1 (and 0.9, 2.0, which admit.ts answers) and refuses any other
 * version. Another major version gets 505 (RFC 9110 §15.6.6). "HTTP/1.2" and up should be served
 * as 1.1 (RFC 9110 §2.5), which the strict parser cannot do — and its lenient mode would let
 * smuggling back in — so it gets 400, not a 505 that would deny HTTP/1 as a whole.
 */
function versionRefusal(err: ParseError | undefined): ErrorCode {
  const raw = err?.rawPacket;
  const pos = err?.bytesParsed;
  if (!Buffer.isBuffer(raw) || typeof pos !== 'number') return 'KEEL_ERR_BAD_REQUEST';
  // The parser stopped in the version of the request line it refused.
  const at = raw.lastIndexOf('HTTP/', pos);
  if (at < 0) return 'KEEL_ERR_BAD_REQUEST';
  const major = raw[at + 5];
  const next = raw[at + 6];
  return major === 49 /* 1 */ && next === 46 /* . */ ? 'KEEL_ERR_BAD_REQUEST' : 'KEEL_ERR_HTTP_VERSION';
}

/** A complete HTTP/1.1 error answer as bytes, for sockets outside node's response machinery. */
export function rawErrorResponse(code: ErrorCode, extra = ''): Buffer {
  const status = ERROR_CODES[code].status;
  const body = errorBody(code);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
    `content-length: ${body.length}\r\nx-keel-error: ${code}\r\n${extra}connection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
