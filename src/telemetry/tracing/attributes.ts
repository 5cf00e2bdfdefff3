import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { RequestDoneEvent, TryDoneEvent } from '../../core/events.js';

/**
 * Span attributes per the OTel HTTP semantic conventions (semconv "HTTP spans", stable), plus
 * Keel's own under `keel.*`. Keel routes are named prefix matches, not path templates, so
 * http.route carries the route name: low-cardinality, as the convention asks.
 */
export function serverAttributes(e: RequestDoneEvent): Attributes {
  const a: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: e.method,
    [ATTR_URL_PATH]: e.path,
    'keel.request_id': e.requestId,
    'keel.tries': e.tries,
  };
  if (e.route !== '') a[ATTR_HTTP_ROUTE] = e.route;
  if (e.pool !== '') a['keel.pool'] = e.pool;
  if (e.status > 0) a[ATTR_HTTP_RESPONSE_STATUS_CODE] = e.status;
  if (e.host !== '') a['keel.upstream.host'] = e.host;
  if (e.cache !== '') a['keel.cache'] = e.cache;
  if (e.shed) a['keel.shed'] = true;
  const err = serverErrorType(e);
  if (err !== '') a[ATTR_ERROR_TYPE] = err;
  return a;
}

/**
 * Semconv: a SERVER span is an error for 5xx only (4xx is the client's doing); when Keel answered
 * itself the error.type is its stable error code (docs/errors.md).
 */
export function serverErrorType(e: RequestDoneEvent): string {
  if (e.errorCode !== '' && (e.status >= 500 || e.status === 0)) return e.errorCode;
  return e.status >= 500 ? String(e.status) : '';
}

export function clientAttributes(e: TryDoneEvent, server: ServerAddress): Attributes {
  const a: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: e.method,
    [ATTR_SERVER_ADDRESS]: server.address,
    [ATTR_SERVER_PORT]: server.port,
    'keel.request_id': e.requestId,
    'keel.retry.attempt': e.attempt,
    'keel.try.hedge': e.hedge,
    'keel.upstream.host': e.host,
    'keel.breaker.state': e.breakerState,
    'keel.pool': e.pool,
  };
  // Semconv's own retry counter: present on resends only.
  if (e.attempt > 0) a[ATTR_HTTP_REQUEST_RESEND_COUNT] = e.attempt;
  if (e.route !== '') a[ATTR_HTTP_ROUTE] = e.route;
  if (e.status > 0) a[ATTR_HTTP_RESPONSE_STATUS_CODE] = e.status;
  const err = clientErrorType(e);
  if (err !== '') a[ATTR_ERROR_TYPE] = err;
  return a;
}

/** Semconv: a CLIENT span is an error for any status >= 400, or a try that got no response. */
export function clientErrorType(e: TryDoneEvent): string {
  if (e.error !== '') return e.error;
  return e.status >= 400 ? String(e.status) : '';
}

export interface ServerAddress {
  readonly address: string;
  readonly port: number;
}

/** server.address/server.port of an upstream origin, parsed once per origin (not per span). */
export class OriginCache {
  readonly #map = new Map<string, ServerAddress>();

  get(origin: string): ServerAddress {
    let v = this.#map.get(origin);
    if (v === undefined) {
      v = parseOrigin(origin);
      if (this.#map.size > 10_000) this.#map.clear(); // a bound, in case origins churn
      this.#map.set(origin, v);
    }
    return v;
  }
}

function parseOrigin(origin: string): ServerAddress {
  try {
    const u = new URL(origin);
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
    // IPv6 literals come bracketed in URLs; semconv wants the bare address.
    const address = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    return { address, port };
  } catch {
    return { address: origin, port: 0 };
  }
}
