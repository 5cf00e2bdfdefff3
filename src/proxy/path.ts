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
