import { type CacheResponse, firstValue } from './fields.js';

/** RFC 9110 §9.2.1 safe methods; every other method is unsafe for §4.4. */
const SAFE: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * §4.4: after a non-error (2xx or 3xx) response to an unsafe request, the cache MUST invalidate
 * the target URI and MAY invalidate the Location and Content-Location URIs, which Keel does only
 * when they share the target's origin (the RFC forbids it otherwise, to prevent denial of service
 * against another origin). Returns absolute URIs; the caller maps them to keys (both GET keys and
 * any Vary variants).
 */
export function invalidationTargets(method: string, targetUri: string, res: CacheResponse): string[] {
  if (SAFE.has(method)) return [];
  if (res.status < 200 || res.status >= 400) return [];
  let target: URL;
  try {
    target = new URL(targetUri);
  } catch {
    return [];
  }
  target.hash = '';
  const out = [target.href];
  for (const name of ['location', 'content-location']) {
    const v = firstValue(res.headers, name);
    if (v === undefined) continue;
    let u: URL;
    try {
      u = new URL(v.trim(), target); // relative references resolve against the target (RFC 3986 §5)
    } catch {
      continue;
    }
    u.hash = ''; // a fragment is not part of the key
    if (u.origin === target.origin && !out.includes(u.href)) out.push(u.href);
  }
  return out;
}
