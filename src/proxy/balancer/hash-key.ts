import type { HashKey } from '../../config/types.js';

/** Request headers as node:http gives them (IncomingHttpHeaders is assignable to this). */
export type HeaderBag = Record<string, string | string[] | undefined>;
export type HashKeyExtractor = (headers: HeaderBag, path: string) => string | undefined;

/**
 * The sharding key for ring_hash, from the pool's `balancer.hash_key`: a header's value, a named
 * cookie's value, or the path without its query. An absent or empty key gives undefined, and the
 * balancer then picks a random host (an empty string would send every keyless request to one host).
 */
export function extractHashKey(hashKey: HashKey, headers: HeaderBag, path: string): string | undefined {
  if (hashKey.header !== undefined) return headerValue(headers, hashKey.header.toLowerCase());
  if (hashKey.cookie !== undefined) return cookieFromHeaders(headers, hashKey.cookie);
  if (hashKey.path === true) return pathKey(path);
  return undefined;
}

/**
 * The same, decided once at setup (docs/architecture.md, "Decide at setup"): the returned
 * function does no dispatch.
 */
export function hashKeyExtractor(hashKey: HashKey): HashKeyExtractor {
  const header = hashKey.header?.toLowerCase();
  if (header !== undefined) return (headers) => headerValue(headers, header);
  const cookie = hashKey.cookie;
  if (cookie !== undefined) return (headers) => cookieFromHeaders(headers, cookie);
  if (hashKey.path === true) return (_headers, path) => pathKey(path);
  return () => undefined;
}

/** `lowerName` must be lower case: node:http lower-cases incoming header names. */
function headerValue(headers: HeaderBag, lowerName: string): string | undefined {
  const v = headers[lowerName];
  if (v === undefined) return undefined;
  // Repeated fields combine into one list value (RFC 9110 §5.3); rare, so the join is acceptable.
  const s = typeof v === 'string' ? v : v.join(', ');
  return s.length > 0 ? s : undefined;
}

function cookieFromHeaders(headers: HeaderBag, name: string): string | undefined {
  const v = headers.cookie;
  if (v === undefined) return undefined;
  if (typeof v === 'string') return cookieValue(v, name);
  for (const line of v) {
    const found = cookieValue(line, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function pathKey(path: string): string | undefined {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  return p.length > 0 ? p : undefined;
}

const EQUALS = 0x3d;
const DQUOTE = 0x22;

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * The value of cookie `name` in a Cookie header (RFC 6265 §4.2.1: cookie-pair *( ";" SP cookie-pair ),
 * read leniently: any OWS around pairs, names and values). Names match case-sensitively; the first
 * pair with the name wins; a DQUOTE-wrapped value is unwrapped (cookie-value, §4.1.1). Scans with
 * indexOf and charCodeAt and slices only the value found: this runs on every request.
 */
export function cookieValue(header: string, name: string): string | undefined {
  const len = header.length;
  let pos = 0;
  while (pos < len) {
    let end = header.indexOf(';', pos);
    if (end < 0) end = len;
    while (pos < end && isOws(header.charCodeAt(pos))) pos++;
    if (header.startsWith(name, pos)) {
      let eq = pos + name.length;
      while (eq < end && isOws(header.charCodeAt(eq))) eq++;
      if (eq < end && header.charCodeAt(eq) === EQUALS) return pairValue(header, eq + 1, end);
    }
    pos = end + 1;
  }
  return undefined;
}

function pairValue(header: string, start: number, end: number): string | undefined {
  while (start < end && isOws(header.charCodeAt(start))) start++;
  while (end > start && isOws(header.charCodeAt(end - 1))) end--;
  if (end - start >= 2 && header.charCodeAt(start) === DQUOTE && header.charCodeAt(end - 1) === DQUOTE) {
    start++;
    end--;
  }
  return end > start ? header.slice(start, end) : undefined;
}
