/**
 * RFC 9110 §15.1: status codes defined as heuristically cacheable ("cacheable by default").
 * 206 is left out on purpose: Keel does not store partial content (RFC 9111 §3.3 forbids a cache
 * that does not support Range from storing it).
 */
export const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([
  200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/**
 * Final status codes whose semantics Keel understands (RFC 9111 §3: a cache must understand the
 * status to store it with must-understand; §3 also requires a final response).
 */
export const UNDERSTOOD: ReadonlySet<number> = new Set([
  200, 203, 204, 300, 301, 302, 303, 307, 308, 400, 403, 404, 405, 410, 414, 451, 500, 501, 502, 503, 504,
]);
