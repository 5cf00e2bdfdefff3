import { type Fields, fieldValue, firstValue, parseHttpDate } from './fields.js';

/**
 * §4.3.1: the conditional fields for revalidating a stored response: If-None-Match with its
 * entity tag (RFC 9110 §13.1.2) and If-Modified-Since with its Last-Modified (RFC 9110 §13.1.3).
 * Returns [name, value] pairs to add to the upstream request; empty when there is no validator.
 */
export function revalidationHeaders(stored: Fields): [string, string][] {
  const out: [string, string][] = [];
  const etag = firstValue(stored, 'etag');
  if (etag !== undefined && etag.trim().length > 0) out.push(['if-none-match', etag.trim()]);
  const lm = firstValue(stored, 'last-modified');
  if (lm !== undefined && lm.trim().length > 0) out.push(['if-modified-since', lm.trim()]);
  return out;
}

/** RFC 9110 §8.8.3.2 weak comparison: opaque tags equal, W/ prefix ignored. */
function weakEqual(a: string, b: string): boolean {
  const strip = (t: string): string => (t.startsWith('W/') ? t.slice(2) : t);
  return strip(a.trim()) === strip(b.trim());
}

/**
 * §4.3.4 selection, for one stored response: a 304 applies when its ETag matches the stored one
 * (weak comparison: a 304 may carry a weak tag), else when its Last-Modified equals the stored
 * one, else (no validator in the 304) when the stored response was the one validated.
 */
export function notModifiedApplies(stored: Fields, res304: Fields): boolean {
  const tag = firstValue(res304, 'etag');
  if (tag !== undefined) {
    const mine = firstValue(stored, 'etag');
    return mine !== undefined && weakEqual(mine, tag);
  }
  const lm = firstValue(res304, 'last-modified');
  if (lm !== undefined) return firstValue(stored, 'last-modified') === lm;
  return true;
}

/**
 * Fields a 304 must not overwrite (§3.2): Content-Length (it describes the 304, not the stored
 * content), the hop-by-hop fields excluded from storage (§3.1; RFC 9110 §7.6.1), and the framing
 * and coding fields the stored content depends on.
 */
const KEEP: ReadonlySet<string> = new Set([
  'content-length',
  'content-encoding',
  'content-range',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'upgrade',
  'trailer',
]);

/**
 * §4.3.4 / §3.2: the stored response's new header fields after a 304: every field in the 304
 * (other than those above and those named by its Connection field) replaces all stored lines of
 * that name; the others are kept. Returns a new record.
 */
export function updateStoredHeaders(stored: Fields, res304: Fields): Record<string, Fields[string]> {
  const connection = new Set(
    (fieldValue(res304, 'connection') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t.length > 0),
  );
  const out: Record<string, Fields[string]> = {};
  for (const k of Object.keys(stored)) out[k] = stored[k];
  // The stored Age described the old response at its response_time; after a 304 the caller resets
  // request/response times, so an Age the 304 does not repeat would count the old age twice (§4.2.3).
  delete out.age;
  for (const k of Object.keys(res304)) {
    const v = res304[k];
    if (v === undefined || KEEP.has(k) || connection.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * A client's own conditional request evaluated against a stored 200 (RFC 9110 §13.2.2): its
 * If-None-Match (weak comparison, §13.1.2; "*" matches) decides when present; otherwise its
 * If-Modified-Since matches when the stored Last-Modified is not later (§13.1.3). True means the
 * cache may answer 304.
 */
export function clientConditionalMatches(req: Fields, stored: Fields): boolean {
  const inm = fieldValue(req, 'if-none-match');
  if (inm !== undefined) {
    const mine = firstValue(stored, 'etag');
    if (mine === undefined) return false;
    return inm.split(',').some((t) => t.trim() === '*' || weakEqual(t, mine));
  }
  const since = parseHttpDate(firstValue(req, 'if-modified-since'));
  const lm = parseHttpDate(firstValue(stored, 'last-modified'));
  return since !== undefined && lm !== undefined && lm <= since;
}
