/**
 * Request-target helpers: the router and the forwarder work on the raw path (no URL object per
 * request), split at the first "?" with indexOf.
 */

/** The path part of an origin-form target (RFC 9112 §3.2.1), without the query. */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/**
 * Absolute-form targets ("http://host/p?q", RFC 9112 §3.2.2) must be accepted by servers; the
 * authority then replaces Host. Returns [authority, origin-form target] or null if not absolute.
 */
export function splitAbsoluteForm(target: string): [string, string] | null {
  if (target.charCodeAt(0) === 47 /* / */) return null;
  const scheme = target.indexOf('://');
  if (scheme < 0) return null;
  const start = scheme + 3;
  let end = start;
  while (end < target.length) {
    const c = target.charCodeAt(end);
    if (c === 47 || c === 63 /* ? */) break;
    end++;
  }
  const rest = target.slice(end);
  return [target.slice(start, end), rest === '' ? '/' : rest.charCodeAt(0) === 63 ? `/${rest}` : rest];
}

/** Per character code below 128: 1 when unreserved (RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~"). */
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9._~-]/.test(String.fromCharCode(c))) UNRESERVED[c] = 1;

/**
 * The path the router matches and the upstream receives (RFC 3986 §6.2.2): percent-encoded
 * unreserved characters decoded (§6.2.2.2: "%2e" is ".", "%41" is "A"), the hex digits of the
 * other percent-encodings upper-cased (§6.2.2.1), then dot segments removed (§5.2.4). So
 * "/public/%2e%2e/admin" is "/admin" before it is routed, and cannot reach the "/public" route
 * while an upstream that decodes it serves "/admin". "%2F" stays encoded: "/" is reserved, and an
 * encoded one is data inside a segment, not a separator. Decoding is one pass, so "%252e" stays
 * "%252e" (never "."). Null when a "%" is not followed by two hex digits (docs/security.md).
 * The common path, with neither "%" nor "/.", is returned as it is.
 */
export function normalisePath(path: string): string | null {
  let p = path;
  if (p.indexOf('%') >= 0) {
    const decoded = decodeUnreserved(p);
    if (decoded === null) return null;
    p = decoded;
  }
  return p.includes('/.') ? removeDotSegments(p) : p;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function decodeUnreserved(p: string): string | null {
  let out = '';
  let from = 0;
  for (let i = p.indexOf('%'); i >= 0; i = p.indexOf('%', i + 3)) {
    const hi = hexValue(p.charCodeAt(i + 1));
    const lo = hexValue(p.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return null;
    const c = hi * 16 + lo;
    out += p.slice(from, i);
    out += c < 128 && UNRESERVED[c] === 1 ? String.fromCharCode(c) : p.slice(i, i + 3).toUpperCase();
    from = i + 3;
  }
  return out + p.slice(from);
}

/**
 * RFC 3986 §5.2.4 remove_dot_segments, applied before routing so that "/public/../admin" cannot
 * match the "/public" route while the upstream serves "/admin". Only called when the path
 * contains "/." (checked with indexOf by the caller), so ordinary requests skip it.
 */
export function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..' && out.length > 1) out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/**
 * The target sent upstream when the route strips its prefix: "/api/users?x" under "/api" becomes
 * "/users?x"; the bare prefix becomes "/".
 */
export function stripPrefix(target: string, prefix: string): string {
  if (prefix === '/' || prefix === '') return target;
  const n = prefix.endsWith('/') ? prefix.length - 1 : prefix.length;
  const rest = target.slice(n);
  if (rest === '') return '/';
  return rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest;
}
