import { type CacheResponse, type Fields, fieldValue } from './fields.js';

/**
 * Request fields whose values Keel compares case-insensitively: their tokens (codings, media
 * types, language tags, charsets) are case-insensitive (RFC 9110 §8.4.1, §8.3.1, §8.5.1, §12.5).
 */
const CASE_INSENSITIVE: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
]);

/** Marks an absent field: §4.1 says an absent field only matches an absent one. */
const ABSENT = '\u0000';

/**
 * The field names a stored response varies on (§4.1), lower-cased, deduplicated and sorted; '*'
 * when it contains "*" (which never matches); [] without Vary.
 */
export function varyFields(res: CacheResponse): readonly string[] | '*' {
  const v = fieldValue(res.headers, 'vary');
  if (v === undefined) return [];
  const names = new Set<string>();
  for (const part of v.split(',')) {
    const n = part.trim().toLowerCase();
    if (n === '*') return '*';
    if (n.length > 0) names.add(n);
  }
  return [...names].sort();
}

/**
 * §4.1 normalisation of one request field: repeated lines combined (RFC 9110 §5.3), whitespace
 * around list members and runs of whitespace collapsed, case folded where the field is
 * case-insensitive.
 */
export function normaliseField(name: string, headers: Fields): string {
  const v = fieldValue(headers, name);
  if (v === undefined) return ABSENT;
  const members = v
    .split(',')
    .map((m) =>
      m
        .trim()
        .replace(/[ \t]*;[ \t]*/g, ';')
        .replace(/[ \t]+/g, ' '),
    )
    .filter((m) => m.length > 0);
  const joined = members.join(',');
  return CASE_INSENSITIVE.has(name) ? joined.toLowerCase() : joined;
}

/**
 * The secondary key of a request for a response's Vary (§4.1): one string, equal for two requests
 * exactly when their nominated fields match after normalisation. null for "Vary: *".
 */
export function secondaryKey(fields: readonly string[] | '*', reqHeaders: Fields): string | null {
  if (fields === '*') return null;
  let key = '';
  for (const f of fields) key += `${f}\u0001${normaliseField(f, reqHeaders)}\u0002`;
  return key;
}

/** §4.1: does a new request match the request a stored response was selected by? */
export function varyMatches(
  fields: readonly string[] | '*',
  storedKey: string | null,
  reqHeaders: Fields,
): boolean {
  if (fields === '*' || storedKey === null) return false;
  return secondaryKey(fields, reqHeaders) === storedKey;
}

/** Per-route primary key rules (`routes[].cache.key`, docs/caching.md "What a request goes through"). */
export interface KeyRules {
  /** 'full' keeps the query as sent; 'sorted' orders its parameters; 'ignore' drops it. */
  readonly query?: 'full' | 'sorted' | 'ignore';
}

/**
 * §4 primary cache key: method and target URI. HEAD maps to GET so a HEAD is served from the
 * stored GET (RFC 9110 §9.3.2). The authority is lower-cased (RFC 3986 §3.2.2: host is
 * case-insensitive); the path is kept as the router normalised it.
 */
export function cacheKey(
  method: string,
  hostAuthority: string,
  pathWithQuery: string,
  rules: KeyRules = {},
): string {
  const m = method === 'HEAD' ? 'GET' : method;
  const q = pathWithQuery.indexOf('?');
  let target = pathWithQuery;
  if (q >= 0 && rules.query === 'ignore') target = pathWithQuery.slice(0, q);
  else if (q >= 0 && rules.query === 'sorted') {
    const params = pathWithQuery
      .slice(q + 1)
      .split('&')
      .sort();
    target = `${pathWithQuery.slice(0, q)}?${params.join('&')}`;
  }
  return `${m} ${hostAuthority.toLowerCase()}${target}`;
}
