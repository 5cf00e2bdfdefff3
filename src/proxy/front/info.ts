/**
 * What the request path knows of the front end a request came in through: one object per kind,
 * handed to handle.ts by the listener, so nothing is looked up per request (docs/architecture.md,
 * "Decide at setup").
 */
export interface FrontInfo {
  /** X-Forwarded-Proto when no trusted proxy set one. */
  readonly scheme: 'http' | 'https';
  /** The request came over TLS: Strict-Transport-Security may be sent (RFC 6797 §7.2). */
  readonly secure: boolean;
  /** The scheme's default port, dropped from request authorities (authority.ts): 80 or 443. */
  readonly defaultPort: number;
  /**
   * The HTTP major version this front end speaks: 1 (node:http), or 2 (node:http2's
   * compatibility layer). A request naming another one is refused (admit.ts).
   */
  readonly httpMajor: 1 | 2;
}

export const PLAIN_FRONT: FrontInfo = Object.freeze({
  scheme: 'http',
  secure: false,
  defaultPort: 80,
  httpMajor: 1,
});
export const TLS_FRONT: FrontInfo = Object.freeze({
  scheme: 'https',
  secure: true,
  defaultPort: 443,
  httpMajor: 1,
});
export const H2_FRONT: FrontInfo = Object.freeze({
  scheme: 'https',
  secure: true,
  defaultPort: 443,
  httpMajor: 2,
});
