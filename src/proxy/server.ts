import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config, ListenerConfig } from '../config/types.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { KeelRequest, KeelResponse } from './messages.js';
import { errorBody } from './respond.js';

export interface ListenerHandlers {
  request(req: KeelRequest, res: KeelResponse): void;
  upgrade(req: KeelRequest, socket: Duplex, head: Buffer): void;
}

/**
 * One node:http listener. Header size and client timeouts are enforced by node:http itself
 * (maxHeaderSize, headersTimeout, keepAliveTimeout); requestTimeout is off because the route
 * deadline bounds whole requests, and a long upload must not be cut by a server-wide timer.
 */
export class Listener {
  /** The config's name for this address; a reload that renames it keeps the socket (adopt). */
  name: string;
  readonly server: Server<typeof KeelRequest, typeof KeelResponse>;
  #cfg: ListenerConfig;

  constructor(cfg: ListenerConfig, config: Config, handlers: ListenerHandlers) {
    this.name = cfg.name;
    this.#cfg = cfg;
    const headersTimeout = config.client.headers_timeout;
    this.server = createServer({
      IncomingMessage: KeelRequest,
      ServerResponse: KeelResponse,
      maxHeaderSize: config.limits.max_header_bytes,
      headersTimeout,
      requestTimeout: 0,
      requireHostHeader: false, // checked by Keel, for its own error answer (headers.ts hostMissing)
      // node checks headersTimeout on this interval (default 30 s): keep it a fraction of it.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    });
    this.server.keepAliveTimeout = config.client.idle_timeout;
    this.server.on('request', handlers.request);
    this.server.on('upgrade', handlers.upgrade);
    this.server.on('clientError', onClientError);
  }

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

/** node:http parse errors → the Keel answer (the request never reached a handler). */
export function clientErrorCode(code: string | undefined): ErrorCode {
  switch (code) {
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

function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(clientErrorCode(err.code)), () => socket.destroy());
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
