/**
 * Upstream host URLs are bare http or https origins: "http://10.0.0.5:8081",
 * "https://api.internal". The request's own path and query are forwarded as they come, so a path
 * here would be silently ignored or doubled.
 */

export const URL_HINT =
  'use an http:// or https:// origin with no path or query, e.g. "http://127.0.0.1:8081"';

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

/** host:port, [v6]:port, or a bare IP/localhost: an origin written without its scheme. */
const SCHEMELESS = /^(?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}|localhost|\d{1,3}(?:\.\d{1,3}){3})$/;

/**
 * "localhost:3001" parses as a URL of scheme "localhost:", and "127.0.0.1:3000" as none at all;
 * both are an origin without `http://`, so say what was meant rather than what the parser saw.
 */
function schemeMissing(raw: string): string | null {
  if (!SCHEMELESS.test(raw) || !URL.canParse(`http://${raw}`)) return null;
  return `${JSON.stringify(raw)} has no scheme; did you mean "http://${raw}"?`;
}

/** What is wrong with a host URL, or null when it is a bare http or https origin. */
export function urlProblem(raw: string): string | null {
  const noScheme = schemeMissing(raw);
  if (noScheme !== null) return noScheme;
  if (!URL.canParse(raw)) return `${JSON.stringify(raw)} is not a URL`;
  const u = new URL(raw);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `${JSON.stringify(raw)} uses ${u.protocol}; only http:// and https:// upstreams are supported`;
  if (!isBareOrigin(u, raw))
    return `${JSON.stringify(raw)} has a path, query or credentials; a host is an origin only`;
  return null;
}
