/**
 * Upstream host URLs are bare http origins: "http://10.0.0.5:8081". The request's own path and
 * query are forwarded as they come, so a path here would be silently ignored or doubled.
 */

export const URL_HINT = 'use an http:// origin with no path or query, e.g. "http://127.0.0.1:8081"';

export function isBareOrigin(u: URL, raw: string): boolean {
  return (
    u.pathname === '/' &&
    u.search === '' &&
    u.hash === '' &&
    u.username === '' &&
    u.password === '' &&
    !/[?#]/.test(raw)
  );
}

/** What is wrong with a host URL, or null when it is a bare http origin. */
export function urlProblem(raw: string): string | null {
  if (!URL.canParse(raw)) return `${JSON.stringify(raw)} is not a URL`;
  const u = new URL(raw);
  if (u.protocol !== 'http:')
    return `${JSON.stringify(raw)} uses ${u.protocol}; only http:// upstreams are supported`;
  if (!isBareOrigin(u, raw))
    return `${JSON.stringify(raw)} has a path, query or credentials; a host is an origin only`;
  return null;
}
