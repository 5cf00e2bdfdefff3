/**
 * Field access shared by the cache semantics. Fields are a record keyed by lower-case name, like
 * node's IncomingHttpHeaders; a repeated field is an array of its lines.
 */
export type FieldValue = string | number | readonly string[] | undefined;
export type Fields = Readonly<Record<string, FieldValue>>;

/** A request as the cache rules see it. */
export interface CacheRequest {
  readonly method: string;
  readonly headers: Fields;
}

/** A response as the cache rules see it. */
export interface CacheResponse {
  readonly status: number;
  readonly headers: Fields;
}

/** RFC 9110 §5.3: lines of a repeated list field combine as one value separated by commas. */
export function fieldValue(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return v.length === 0 ? undefined : v.join(', ');
}

/** The first line only: for singleton fields (Date, Expires, Age) where duplicates are invalid. */
export function firstValue(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return v[0];
}

/** RFC 9111 §1.2.2: delta-seconds above 2^31 are sent and taken as 2147483648. */
export const MAX_DELTA = 2147483648;

/**
 * RFC 9111 §1.2.2 delta-seconds: digits only. Returns -1 for an invalid value so the caller can
 * treat invalid freshness as stale (§4.2.1 encourages that).
 */
export function parseDeltaSeconds(s: string): number {
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return -1;
  const n = Number(s);
  return Math.min(n, MAX_DELTA);
}

/**
 * RFC 9110 §5.6.7 HTTP-date in any of its three forms (IMF-fixdate, RFC 850, asctime), in ms since
 * the epoch; undefined when it does not parse (RFC 9111 §4.2: an invalid date is treated as absent
 * for Date, and as "in the past" for Expires, §5.3).
 */
export function parseHttpDate(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  // Only letters, digits, spaces, commas, colons and dashes appear in any HTTP-date form.
  if (t.length < 20 || t.length > 40 || !/^[A-Za-z0-9 ,:-]+$/.test(t)) return undefined;
  const ms = Date.parse(/GMT$/.test(t) ? t : `${t} GMT`);
  return Number.isFinite(ms) ? ms : undefined;
}
