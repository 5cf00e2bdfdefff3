import type { ErrorCode } from '../core/errors.js';
import type { TryErrorKind } from '../core/events.js';
import { CLOSED } from './contracts.js';
import type { Exchange } from './exchange.js';

/** undici and socket error codes → how the try failed (events.ts TryErrorKind). */
export function classifyError(err: Error, ex: Exchange | null): TryErrorKind {
  // A client that left mid-upload breaks the request body: not the host's fault.
  if (ex !== null && (ex.state === CLOSED || (ex.req.destroyed && !ex.req.complete))) return 'aborted';
  switch ((err as Error & { code?: string }).code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'connect';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'timeout';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'idle';
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'reset';
    case 'UND_ERR_ABORTED':
    case 'KEEL_TRY_ABORTED':
      return 'aborted';
    default:
      return 'other';
  }
}

/** The answer a try failure maps to when it is the last word (docs/proxying.md, "Retries"). */
export function codeFor(kind: TryErrorKind): ErrorCode {
  switch (kind) {
    case 'connect':
      return 'KEEL_ERR_UPSTREAM_CONNECT';
    case 'timeout':
      return 'KEEL_ERR_UPSTREAM_TIMEOUT';
    case 'idle':
      return 'KEEL_ERR_UPSTREAM_IDLE';
    case 'breaker_open':
      return 'KEEL_ERR_BREAKER_OPEN';
    case 'reset':
    case 'aborted':
    case 'other':
      return 'KEEL_ERR_UPSTREAM_RESET';
  }
}
