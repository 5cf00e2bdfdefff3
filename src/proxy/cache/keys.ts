import { normaliseAuthority } from '../authority.js';
import { normalisePath } from '../path.js';
import { cacheKey, type Fields, normaliseField } from './semantics/index.js';

/**
 * Cache keys (RFC 9111 §4). A primary key is `GET <host><target>` (HEAD shares GET's, RFC 9110
 * §9.3.2), optionally followed by the route's key headers; a Vary variant appends its secondary
 * key. Everything a URL owns therefore starts with `<base>\n` or is `<base>` itself, which is what
 * purges and invalidation rely on. Request targets cannot contain a line feed (RFC 9112 §3.2).
 *
 * A base key names one (host, target) pair and no other: the target is origin-form, so it starts
 * with the key's first "/", and the host part holds no "/" (keyHost). The host is the request's
 * normalised authority (docs/security.md, "The data plane"), the one it was routed by.
 */
export const KEY_SEPARATOR = '\n';

/**
 * The host as a key holds it: "%" and "/" percent-encoded, so the first "/" of a key always
 * starts the target, whatever the host holds. An authority Keel accepted has neither (the common
 * case costs two scans and returns `host` itself); the encoding makes the key's injectivity
 * independent of that check.
 */
function keyHost(host: string): string {
  if (host.indexOf('/') < 0 && host.indexOf('%') < 0) return host;
  return host.replaceAll('%', '%25').replaceAll('/', '%2F');
}

export interface KeyRules {
  readonly query: 'full' | 'sorted' | 'ignore';
  /** Lower-cased request header names added to the key (routes[].cache.key.headers). */
  readonly headers: readonly string[];
}

/** The key before the route's key headers: what a URL maps to. */
export function baseKey(host: string, target: string, rules: KeyRules): string {
  return cacheKey('GET', keyHost(host), target, { query: rules.query });
}

export function primaryKey(host: string, target: string, rules: KeyRules, headers: Fields): string {
  let key = baseKey(host, target, rules);
  for (const h of rules.headers) key += `${KEY_SEPARATOR}h:${h}=${normaliseField(h, headers)}`;
  return key;
}

export function variantKey(primary: string, secondary: string): string {
  return `${primary}${KEY_SEPARATOR}v:${secondary}`;
}

/**
 * The base key of an absolute URL or of "host/path" (the purge API and §4.4 invalidation): the
 * scheme is not part of Keel's keys, so "http://a/x", "https://a/x" and "a/x" are the same.
 * Host and path are normalised as a request's are, so the key is the one that request stored.
 * undefined when it is neither.
 */
export function baseKeyOfUrl(url: string, query: KeyRules['query'] = 'full'): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  // URL has dropped the scheme's default port already; a trailing dot is dropped here.
  const host = u.host === '' ? null : normaliseAuthority(u.host, u.protocol === 'https:' ? 443 : 80);
  const path = normalisePath(u.pathname);
  if (host === null || path === null) return undefined;
  return cacheKey('GET', host, `${path}${u.search}`, { query });
}
