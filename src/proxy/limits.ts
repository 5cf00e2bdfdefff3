/**
 * Request limits and framing rules, each answered with a clear 4xx (docs/proxying.md, "Limits
 * and timeouts"):
 * - URL longer than limits.max_url_length → 414;
 * - Content-Length above the route's max_body_bytes → 413 before reading a byte; a chunked body
 *   is counted as it streams (KeelRequest.push) and cut with 413 when it passes the limit;
 * - ambiguous framing → 400 KEEL_ERR_REQUEST_SMUGGLING (RFC 9112 §6.1, §6.3): Content-Length
 *   together with Transfer-Encoding, differing Content-Length values, a Content-Length that is
 *   not 1*DIGIT, or a Transfer-Encoding other than "chunked" alone. node:http's parser refuses
 *   most of these already (server.ts maps its codes); these checks run on rawHeaders as a second
 *   line, because node accepts e.g. "Transfer-Encoding: gzip" and re-joins duplicates.
 */

/** Bodies up to this size (with a known Content-Length) are buffered so a retry can resend them. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

/** The value of a Content-Length field, or -1 when it is not 1*DIGIT (RFC 9110 §8.6). */
export function parseContentLength(value: string): number {
  const n = value.length;
  if (n === 0 || n > 15) return -1; // 15 digits stay below 2^53
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * True when a request's Transfer-Encoding (all field lines joined) is exactly "chunked".
 * RFC 9112 §6.3 ¶4 requires chunked to be final; other codings would reach the upstream
 * un-announced once Keel de-chunks the body, so they are refused as well (RFC 9112 §6.1 lets a
 * server refuse codings it does not relay: 501 is allowed, 400 is the smuggling-safe choice).
 */
export function isChunkedOnly(te: string): boolean {
  const t = te.trim();
  return t.length === 7 && t.toLowerCase() === 'chunked';
}
