/**
 * The endpoint a request belongs to (docs/health.md, "Endpoints"): its method and the first
 * `segments` path segments below the route's prefix, with id-like segments collapsed, so
 * `GET /users/42` and `GET /users/17` are one endpoint, `GET /users/{id}`. The query never counts.
 *
 * The request path hashes the key without building it (docs/architecture.md, "No allocation on the
 * hot path"): two 32-bit multiplicative hashes over the same characters, 53 bits together, so
 * two endpoints of one route (at most `max_endpoints` of them) collide with odds of about n²/2⁵⁴.
 * The readable key is built once, when an endpoint is first seen.
 */

const SLASH = 47;
const QUERY = 63;
const FRAGMENT = 35;
/** What an id segment feeds the hashes instead of its characters. */
const ID_MARK = 1;

/** The index in `path` where a route's segments start: after its prefix ("/" has none). */
export function segmentsFrom(prefix: string): number {
  return prefix === '/' ? 0 : prefix.length;
}

/**
 * An id-like segment: only digits ("42"), at least 8 hex digits and dashes with a digit among
 * them (UUIDs, hashes, dates), or at least 20 letters, digits, "-" and "_" with a digit among
 * them (opaque tokens). Words ("users", "v1", "deadbeef") are kept.
 */
export function isIdSegment(path: string, from: number, to: number): boolean {
  const len = to - from;
  if (len <= 0) return false;
  let digits = 0;
  let hex = true;
  let token = true;
  for (let i = from; i < to; i++) {
    const c = path.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    if (digit) digits++;
    if (!(digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45)) hex = false;
    if (!(digit || lower || upper || c === 45 || c === 95)) token = false;
  }
  if (digits === len) return true;
  if (digits === 0) return false;
  return (hex && len >= 8) || (token && len >= 20);
}

/** The end of the segment that starts at `i` (a "/", "?", "#" or the end of the path). */
function segmentEnd(path: string, i: number): number {
  const end = path.length;
  while (i < end) {
    const c = path.charCodeAt(i);
    if (c === SLASH || c === QUERY || c === FRAGMENT) return i;
    i++;
  }
  return end;
}

/** The start of the next segment at or after `i`, or -1 when the path (before its query) ends. */
function nextSegment(path: string, i: number): number {
  const end = path.length;
  while (i < end && path.charCodeAt(i) === SLASH) i++;
  if (i >= end) return -1;
  const c = path.charCodeAt(i);
  return c === QUERY || c === FRAGMENT ? -1 : i;
}

/** A 53-bit hash of the endpoint key; equal keys hash equal. Allocation-free. */
export function endpointHash(method: string, path: string, from: number, segments: number): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  let i = from;
  for (let n = 0; n < segments; n++) {
    i = nextSegment(path, i);
    if (i < 0) break;
    const j = segmentEnd(path, i);
    a = Math.imul(a ^ SLASH, 0x01000193);
    b = Math.imul(b ^ SLASH, 0x5bd1e995);
    if (isIdSegment(path, i, j)) {
      a = Math.imul(a ^ ID_MARK, 0x01000193);
      b = Math.imul(b ^ ID_MARK, 0x5bd1e995);
    } else {
      for (let k = i; k < j; k++) {
        const c = path.charCodeAt(k);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995);
      }
    }
    i = j;
  }
  b ^= b >>> 15; // murmur's final mix: spreads the low bits kept below
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** The readable key, e.g. "GET /api/users/{id}": built once per new endpoint. */
export function endpointLabel(method: string, path: string, from: number, segments: number): string {
  let out = `${method} ${path.slice(0, from)}`;
  let i = from;
  let n = 0;
  for (; n < segments; n++) {
    i = nextSegment(path, i);
    if (i < 0) break;
    const j = segmentEnd(path, i);
    out += `/${isIdSegment(path, i, j) ? '{id}' : path.slice(i, j)}`;
    i = j;
  }
  return n === 0 && from === 0 ? `${out}/` : out;
}
