import { ERROR_CODES, type ErrorCode, KeelError } from '../core/errors.js';
import { ANSWERED, COMMITTED, OPEN, type Sink, type TryHandle } from './contracts.js';
import type { Exchange } from './exchange.js';
import { responseHeaders } from './response-headers.js';

const BODIES = new Map<ErrorCode, Buffer>();

/** The JSON body of an error answer, built once per code (the message is the code's meaning). */
export function errorBody(code: ErrorCode): Buffer {
  let b = BODIES.get(code);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(new KeelError(code).toJSON()));
    BODIES.set(code, b);
  }
  return b;
}

/**
 * Keel answers the request itself: `KeelError.toJSON()` with the code's status,
 * `content-type: application/json` and `x-keel-error: CODE`. A breaker answer (host, route or
 * endpoint breaker) carries Retry-After in whole seconds, rounded up (RFC 9110 §10.2.3). `close` asks node:http to close
 * the connection afterwards (the request body was not read, e.g. 413).
 */
export function answerError(ex: Exchange, code: ErrorCode, close = false): void {
  if (ex.state !== OPEN) return;
  const status = ERROR_CODES[code].status;
  ex.state = ANSWERED;
  ex.status = status;
  ex.errorCode = code;
  const body = errorBody(code);
  const headers = [
    'content-type',
    'application/json',
    'content-length',
    String(body.length),
    'x-keel-error',
    code,
  ];
  if (ex.requestId !== '') headers.push(ex.snap.rules.requestIdHeader, ex.requestId);
  if (code === 'KEEL_ERR_BREAKER_OPEN' || code === 'KEEL_ERR_ENDPOINT_FAILING') {
    headers.push('retry-after', String(Math.max(1, Math.ceil(ex.retryAfterMs / 1000))));
  }
  // A client still waiting for "100 Continue" may send its body or the next request: close, so
  // that neither is read as the other (RFC 9110 §10.1.1).
  if (close || ex.gw.draining || ex.req.awaitingContinue) headers.push('connection', 'close');
  const res = ex.res;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The top of every chain: commits an upstream head to the client, or turns the final failure
 * into an error answer. A timeout after the route deadline passed is reported as the deadline.
 */
export const responder: Sink<Exchange> = {
  head(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    if (ex.state !== OPEN) return false;
    const headers = responseHeaders(raw, ex.snap.rules, ex.requestId, ex.gw.draining);
    try {
      ex.res.writeHead(status, headers);
    } catch {
      // node refuses header values with control characters: the upstream's answer cannot be
      // relayed as is.
      answerError(ex, 'KEEL_ERR_INTERNAL');
      return false;
    }
    ex.state = COMMITTED;
    ex.status = status;
    ex.answerHost = t.host.name;
    return true;
  },
  fail(ex, _t, kind, code): void {
    if (ex.state !== OPEN) return;
    const late = (kind === 'timeout' || kind === 'aborted') && ex.expired(ex.gw.clock.now());
    answerError(ex, late ? 'KEEL_ERR_DEADLINE_EXCEEDED' : code);
  },
};
