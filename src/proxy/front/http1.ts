import type { Config } from '../../config/types.js';

/**
 * The node:http settings of every HTTP/1.x connection, plain or over TLS (the TLS server hands
 * its HTTP/1.1 connections to node:http's own connection handling, which reads these from the
 * server object). Header size and client timeouts are enforced by node:http itself
 * (maxHeaderSize, headersTimeout, keepAliveTimeout); requestTimeout is off because the route
 * deadline bounds whole requests, and a long upload must not be cut by a server-wide timer.
 */
export function http1Options(config: Config) {
  const headersTimeout = config.client.headers_timeout;
  return {
    maxHeaderSize: config.limits.max_header_bytes,
    headersTimeout,
    requestTimeout: 0,
    keepAliveTimeout: config.client.idle_timeout,
    requireHostHeader: false, // checked by Keel, for its own error answer (headers.ts hostMissing)
    // node checks headersTimeout on this interval (default 30 s): keep it a fraction of it.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}
