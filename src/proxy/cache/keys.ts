import { cacheKey, type Fields, normaliseField } from './semantics/index.js';

/**
 * Cache keys (RFC 9111 §4). A primary key is `GET <host><target>` (HEAD shares GET's, RFC 9110
 * §9.3.2), optionally followed by the route's key headers; a Vary variant appends its secondary
 * key. Everything a URL owns therefore starts with `<base>\n` or is `<base>` itself, which is what
 * purges and invalidation rely on. Request targets cannot contain a line feed (RFC 9112 §3.2).
 */
export const KEY_SEPARATOR = '\n';

export interface KeyRules {
  readonly query: 'full' | 'sorted' | 'ignore';
  /** Lower-cased request header names added to the key (routes[].cache.key.headers). */
  readonly headers: readonly string[];
}

/** The key before the route's key headers: what a URL maps to. */
export function baseKey(host: string, target: string, rules: KeyRules): string {
  return cacheKey('GET', host, target, { query: rules.query });
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
  if (u.host === '') return undefined;
  return cacheKey('GET', u.host, `${u.pathname}${u.search}`, { query });
}
