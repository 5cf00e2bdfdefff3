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
      return isTlsError(err) ? 'connect' : 'other';
  }
}

/**
 * OpenSSL's certificate verification results (as node reports them in `err.code`) and node's
 * own TLS errors: a handshake that failed for TLS reasons, not for the network.
 */
const TLS_VERIFY = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
]);

/** True for an error of the TLS handshake with an upstream (docs/tls.md, "HTTPS upstreams"). */
export function isTlsError(err: Error): boolean {
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || TLS_VERIFY.has(code);
}

/**
 * The answer for a failed try: a TLS handshake failure is counted as a connect failure (the
 * host cannot be used: retried elsewhere, ejected, breaker) and answered as one, with its own code.
 */
export function codeForError(kind: TryErrorKind, err: Error): ErrorCode {
  return kind === 'connect' && isTlsError(err) ? 'KEEL_ERR_UPSTREAM_TLS' : codeFor(kind);
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
