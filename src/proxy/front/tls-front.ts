import { Server as HttpServer } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Config, ListenerConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import { KeelRequest, KeelResponse } from '../messages.js';
import type { ListenerCerts } from '../tls/listener-certs.js';
import { KeelH2Request, KeelH2Response } from './h2-messages.js';
import { type H2AbuseReason, H2Sessions } from './h2-sessions.js';
import { http1Options } from './http1.js';

export type TlsServer = Http2SecureServer<
  typeof KeelRequest,
  typeof KeelResponse,
  typeof KeelH2Request,
  typeof KeelH2Response
>;

/**
 * One TLS listener's server (docs/tls.md, docs/http2.md): node:http2's secure server, which
 * negotiates the protocol per connection through ALPN (RFC 7301) — `h2` goes to node:http2's
 * sessions and its compatibility request/response (front/h2-messages.ts), `http/1.1` or no ALPN
 * to node:http's own connection handling with Keel's KeelRequest/KeelResponse, exactly as on a
 * plain listener. Both emit 'request' into the same request path. There is no cleartext HTTP/2
 * (h2c): a plain listener is node:http alone, which answers an h2c preface with a 400.
 */
export class TlsFront {
  readonly server: TlsServer;
  readonly sessions: H2Sessions;
  readonly certs: ListenerCerts;
  #h2: boolean;
  #optionalClientCert: boolean;

  constructor(
    cfg: ListenerConfig,
    config: Config,
    certs: ListenerCerts,
    clock: Clock,
    onAbuse: (reason: H2AbuseReason, peer: string) => void,
  ) {
    const tls = cfg.tls!;
    this.certs = certs;
    this.#h2 = cfg.http2.enabled;
    this.#optionalClientCert = tls.client_auth === 'optional';
    this.sessions = new H2Sessions(cfg.http2, config.client.idle_timeout, clock, onAbuse);
    this.server = createSecureServer({
      ...certs.serverOptions(),
      SNICallback: certs.sniCallback,
      ALPNCallback: this.#alpn,
      allowHTTP1: true,
      requestCert: tls.client_auth !== 'none',
      rejectUnauthorized: tls.client_auth === 'required',
      // A client that opens a connection and never finishes the handshake holds a socket.
      handshakeTimeout: config.client.headers_timeout,
      settings: h2Settings(cfg, config),
      Http1IncomingMessage: KeelRequest,
      Http1ServerResponse: KeelResponse,
      Http2ServerRequest: KeelH2Request,
      Http2ServerResponse: KeelH2Response,
    });
    Object.assign(this.server, http1Options(config));
    this.server.on('session', this.sessions.add);
    this.server.on('secureConnection', this.#checkClientCert);
    certs.attach(this.server);
  }

  /** A reload kept this listener: settings that apply to the next connections, and the limits. */
  configure(cfg: ListenerConfig, config: Config): void {
    const tls = cfg.tls!;
    this.#h2 = cfg.http2.enabled;
    this.#optionalClientCert = tls.client_auth === 'optional';
    const s = this.server as unknown as Record<string, unknown>;
    // tls.Server hands these to each new TLSSocket (they are not part of the secure context).
    s.requestCert = tls.client_auth !== 'none';
    s.rejectUnauthorized = tls.client_auth === 'required';
    this.server.updateSettings(h2Settings(cfg, config));
    this.sessions.configure(cfg.http2, config.client.idle_timeout);
    const o = http1Options(config);
    s.headersTimeout = o.headersTimeout;
    s.keepAliveTimeout = o.keepAliveTimeout;
  }

  /**
   * HTTP/1.1 connections between requests; HTTP/2 ones close by themselves after GOAWAY. The
   * HTTP/1.1 connections are node:http's, in its list on this server (node's own
   * Http2SecureServer#closeIdleConnections calls the same method), and node:http2's server has no
   * closeAllConnections, so both are node:http's methods applied to it.
   */
  closeIdle(): void {
    HttpServer.prototype.closeIdleConnections.call(this.server as unknown as HttpServer);
  }

  /** Drain and retire: no new streams on any HTTP/2 connection, idle HTTP/1.1 ones closed. */
  stopAccepting(): void {
    this.sessions.closeAll();
    this.closeIdle();
  }

  closeAll(): void {
    HttpServer.prototype.closeAllConnections.call(this.server as unknown as HttpServer);
    this.sessions.destroyAll();
  }

  stop(): void {
    this.certs.stop();
  }

  /** RFC 7301 §3.2: the server picks; h2 first when enabled, else http/1.1, else no protocol. */
  readonly #alpn = ({ protocols }: { protocols: string[] }): string | undefined => {
    if (this.#h2 && protocols.includes('h2')) return 'h2';
    return protocols.includes('http/1.1') ? 'http/1.1' : undefined;
  };

  /**
   * client_auth: optional serves a client without a certificate, but not one whose certificate
   * failed verification (node lets the handshake finish when rejectUnauthorized is off).
   */
  readonly #checkClientCert = (socket: TLSSocket): void => {
    if (!this.#optionalClientCert || socket.authorized) return;
    const peer = socket.getPeerCertificate();
    if (peer !== null && Object.keys(peer).length > 0) socket.destroy();
  };
}

/** RFC 9113 §6.5.2: what each client is told it may send. */
function h2Settings(cfg: ListenerConfig, config: Config) {
  return {
    maxConcurrentStreams: cfg.http2.max_concurrent_streams,
    maxHeaderListSize: config.limits.max_header_bytes,
  };
}
