import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Config, ListenerConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import { ClientConnection, type ConnectionHandlers } from './connection.js';
import { KeelH2Request, type KeelH2Response } from './front/h2-messages.js';
import { http1Options } from './front/http1.js';
import { type FrontInfo, H2_FRONT, PLAIN_FRONT, TLS_FRONT } from './front/info.js';
import { TlsFront } from './front/tls-front.js';
import { type ClientRequest, type ClientResponse, KeelRequest, KeelResponse } from './messages.js';
import { errorBody } from './respond.js';
import type { CertificateSet } from './tls/certificates.js';
import { ListenerCerts } from './tls/listener-certs.js';
import type { ListenerTlsView } from './tls/view.js';

/**
 * The gateway's entry points, with the front end each request came through (front/info.ts):
 * its scheme's default port (authority.ts), X-Forwarded-Proto, HSTS, and its HTTP version.
 * `request` also takes HTTP/2 requests (front/h2-messages.ts); upgrades are HTTP/1.1 only.
 */
export interface ListenerHandlers extends ConnectionHandlers {
  request(req: ClientRequest, res: ClientResponse, front: FrontInfo): void;
}

/** The handlers of a listener with this config (the gateway's: they read its current snapshot). */
export type HandlersFor = (cfg: ListenerConfig) => ListenerHandlers;

export interface ListenerDeps {
  clock: Clock;
  bus: EventBus;
}

/** What a reload checked for a listener it keeps, applied by adopt (listeners.ts). */
export interface ListenerUpdate {
  certificates: CertificateSet | null;
}

/** The front end of a listener's HTTP/1.x connections: plain, or over TLS. */
export function frontOf(cfg: ListenerConfig): FrontInfo {
  return cfg.tls === null ? PLAIN_FRONT : TLS_FRONT;
}

/**
 * One listening address: node:http for plain HTTP, or the TLS front (front/tls-front.ts) that
 * serves HTTP/1.1 and HTTP/2 on one port. Header size and client timeouts are node:http's
 * (front/http1.ts); requestTimeout is off because the route deadline bounds whole requests, and
 * a long upload must not be cut by a server-wide timer. Each HTTP/1.x connection's requests go
 * through its ClientConnection (connection.ts), one at a time, over TLS too; an HTTP/2
 * connection multiplexes its streams, bounded by max_concurrent_streams (docs/http2.md). `at`
 * is the listener's config path, e.g. "listeners[0]", for the problems of its certificate files.
 */
export class Listener {
  /** The config's name for this address; a reload that renames it keeps the socket (adopt). */
  name: string;
  readonly server: Server<typeof KeelRequest, typeof KeelResponse> | TlsFront['server'];
  /** The front end of its HTTP/1.x connections: 80 (http) or 443 (https) is dropped from authorities. */
  readonly front: FrontInfo;
  readonly #tls: TlsFront | null;
  readonly #handlersFor: HandlersFor;
  #handlers: ListenerHandlers;
  #cfg: ListenerConfig;
  readonly #conns = new WeakMap<Duplex, ClientConnection>();

  constructor(cfg: ListenerConfig, at: string, config: Config, handlersFor: HandlersFor, deps: ListenerDeps) {
    this.name = cfg.name;
    this.#cfg = cfg;
    this.#handlersFor = handlersFor;
    this.#handlers = handlersFor(cfg);
    this.front = frontOf(cfg);
    if (cfg.tls === null) {
      const o = http1Options(config);
      this.server = createServer({ IncomingMessage: KeelRequest, ServerResponse: KeelResponse, ...o });
      this.server.keepAliveTimeout = o.keepAliveTimeout;
      this.server.on('connection', this.#onConnection);
      this.server.on('request', this.#onRequest);
      this.#tls = null;
    } else {
      const reload = deps.bus.channel('tls.reload');
      const abuse = deps.bus.channel('http2.abuse');
      const certs = new ListenerCerts(
        cfg.tls,
        `${at}.tls`,
        ListenerCerts.load(cfg.tls, `${at}.tls`, deps.clock),
        {
          clock: deps.clock,
          reloaded: (ok, problem) =>
            reload.publish({ listener: this.name, ok, problem, at: deps.clock.now() }),
        },
      );
      this.#tls = new TlsFront(cfg, config, certs, deps.clock, (reason, peer) => {
        if (abuse.active) abuse.publish({ listener: this.name, reason, peer, at: deps.clock.now() });
      });
      this.server = this.#tls.server;
      // After node:http2's own handler: an HTTP/1.1 connection has its parser by then.
      this.server.on('secureConnection', this.#onSecureConnection);
      this.server.on('request', this.#onTlsRequest);
    }
    // With a listener, node leaves "Expect: 100-continue" to Keel: 100 goes out only once the
    // request is admitted (handle.ts), so a refusal comes instead of it (RFC 9110 §10.1.1).
    // node:http2 emits it for HTTP/2 requests too.
    this.server.on('checkContinue', this.#onCheckContinue);
    this.server.on('upgrade', this.#onUpgrade);
    this.server.on('clientError', this.#onClientError);
  }

  readonly #onConnection = (socket: Socket): void => {
    this.#conns.set(socket, new ClientConnection(socket, this.#handlers, this.front));
  };

  /** A TLS connection that speaks HTTP/1.1 (ALPN, or none) gets a ClientConnection like a plain one. */
  readonly #onSecureConnection = (socket: TLSSocket): void => {
    if (socket.alpnProtocol !== 'h2')
      this.#conns.set(socket, new ClientConnection(socket, this.#handlers, this.front));
  };

  readonly #onRequest = (req: KeelRequest, res: KeelResponse): void => {
    const conn = this.#conns.get(req.socket);
    if (conn !== undefined) conn.request(req, res);
    else this.#handlers.request(req, res, this.front);
  };

  /** A TLS listener's requests: HTTP/2 streams go straight in; HTTP/1.1 ones through their connection. */
  readonly #onTlsRequest = (req: KeelRequest | KeelH2Request, res: KeelResponse | KeelH2Response): void => {
    if (req instanceof KeelH2Request) this.#handlers.request(req, res as KeelH2Response, H2_FRONT);
    else this.#onRequest(req, res as KeelResponse);
  };

  readonly #onCheckContinue = (
    req: KeelRequest | KeelH2Request,
    res: KeelResponse | KeelH2Response,
  ): void => {
    req.awaitingContinue = true;
    if (this.#tls !== null) this.#onTlsRequest(req, res);
    else this.#onRequest(req as KeelRequest, res as KeelResponse);
  };

  readonly #onUpgrade = (req: KeelRequest, socket: Duplex, head: Buffer): void => {
    const conn = this.#conns.get(socket);
    if (conn !== undefined) conn.upgrade(req, socket, head);
    else this.#handlers.upgrade(req, socket, head, this.front);
  };

  /**
   * node:http parse errors and header timeouts. While a response is in flight or queued on the
   * connection, a raw answer would land inside it: the connection closes once those are answered
   * instead (connection.ts parseError). A TLS listener's 'clientError' also carries failed
   * handshakes (node:http2's server re-emits tlsClientError): there is no HTTP to answer those
   * with, so only an HTTP/1.1 parse error gets one.
   */
  readonly #onClientError = (err: ParseError, socket: Duplex): void => {
    const httpError = err.code?.startsWith('HPE_') || err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (err.code === 'ECONNRESET' || !socket.writable || (this.#tls !== null && !httpError)) {
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

  /**
   * Checks that this socket can take `cfg` (a reload keeps it), loading its certificates; throws
   * with what to do otherwise, before anything changed. A socket cannot turn TLS on or off.
   */
  prepare(cfg: ListenerConfig, at: string, clock: Clock): ListenerUpdate {
    if ((cfg.tls === null) !== (this.#tls === null)) {
      const now = cfg.tls === null ? 'plain HTTP' : 'TLS';
      throw new Error(
        `${at}: listener "${cfg.name}" on ${cfg.host}:${cfg.port} cannot switch to ${now} on a reload; restart Keel, or move it to another port`,
      );
    }
    return { certificates: cfg.tls === null ? null : ListenerCerts.load(cfg.tls, `${at}.tls`, clock) };
  }

  /**
   * A reload kept this socket for `cfg` (listeners.ts): take its name and address, its new
   * certificates and TLS settings, and the handlers of its kind (a redirect port may change;
   * connections already open keep the handlers they started with).
   */
  adopt(cfg: ListenerConfig, at: string, config: Config, update: ListenerUpdate): void {
    const before = this.#cfg;
    this.name = cfg.name;
    this.#cfg = cfg;
    if (this.#tls !== null && cfg.tls !== null && update.certificates !== null) {
      this.#tls.certs.replace(cfg.tls, `${at}.tls`, update.certificates);
      this.#tls.configure(cfg, config);
    }
    if (before.redirect_https?.port !== cfg.redirect_https?.port) this.#handlers = this.#handlersFor(cfg);
  }

  /** The bound address (after listen). */
  address(): { name: string; host: string; port: number } {
    const a = this.server.address() as AddressInfo | null;
    return { name: this.name, host: this.#cfg.host, port: a?.port ?? this.#cfg.port };
  }

  /** The certificates this listener serves; null for a plain one. */
  tlsView(): ListenerTlsView | null {
    return this.#tls?.certs.view(this.name) ?? null;
  }

  /**
   * A reload dropped this address: stop accepting, let requests in flight finish (connections
   * are closed as they go idle, gateway.ts finished), and cut whatever is left after `graceMs`.
   */
  retire(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#closeAll(), graceMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        this.#tls?.stop();
        resolve();
      });
      this.#tls?.stopAccepting();
      this.closeIdle();
    });
  }

  /** Client timeouts may change on reload; header size needs a restart (node fixes it per server). */
  setClientTimeouts(config: Config): void {
    const s = this.server as unknown as { headersTimeout: number; keepAliveTimeout: number };
    s.headersTimeout = config.client.headers_timeout;
    s.keepAliveTimeout = config.client.idle_timeout;
  }

  /** Drain step 1: refuse new connections and streams, close the idle keep-alive connections. */
  stopAccepting(): void {
    if (this.server.listening) this.server.close();
    this.#tls?.stopAccepting();
    this.closeIdle();
  }

  closeIdle(): void {
    if (this.#tls !== null) this.#tls.closeIdle();
    else (this.server as Server).closeIdleConnections();
  }

  close(): Promise<void> {
    this.#tls?.stop();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        this.#closeAll();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.#closeAll();
    });
  }

  #closeAll(): void {
    if (this.#tls !== null) this.#tls.closeAll();
    else (this.server as Server).closeAllConnections();
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
