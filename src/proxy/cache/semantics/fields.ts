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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
/** IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
const IMF = new RegExp(`^${DAY}, (\\d\\d) ${MONTH} (\\d{4}) ${TIME} gmt$`, 'i');
/** rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT". */
const RFC850 = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} gmt$`,
  'i',
);
/** asctime-date: "Sun Nov  6 08:49:37 1994" (a one-digit day is padded with a space). */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d\\d) ${TIME} (\\d{4})$`, 'i');

/**
 * RFC 9110 §5.6.7 HTTP-date, in ms since the epoch: exactly one of its three forms (IMF-fixdate,
 * and the obsolete RFC 850 and asctime forms, which recipients must accept), names in any case;
 * undefined for anything else — "0", a missing comma, "UTC" or another zone, dashes in an
 * IMF-fixdate, a one-digit hour, doubled spaces, an impossible day or time. RFC 9111 treats an
 * invalid date as absent for Date (§4.2.3) and as "already expired" for Expires (§5.3). A
 * two-digit RFC 850 year more than 50 years after `now` (ms) is taken from the past century
 * (§5.6.7); without `now`, 00–69 are 2000–2069.
 */
export function parseHttpDate(s: string | undefined, now?: number): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t.length < 24 || t.length > 40) return undefined;
  let m = IMF.exec(t);
  if (m !== null) return utc(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850.exec(t);
  if (m !== null) return utc(fullYear(+m[3]!, now), m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = ASCTIME.exec(t);
  if (m !== null) return utc(+m[6]!, m[1]!, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!);
  return undefined;
}

function fullYear(yy: number, now: number | undefined): number {
  if (now === undefined || !Number.isFinite(now)) return yy < 70 ? 2000 + yy : 1900 + yy;
  const current = new Date(now).getUTCFullYear();
  let year = current - (current % 100) + yy;
  if (year > current + 50) year -= 100;
  return year;
}

/** The time of a calendar date, or undefined when the date or time does not exist (31 Feb, 25:00). */
function utc(
  year: number,
  month: string,
  day: number,
  h: number,
  min: number,
  sec: number,
): number | undefined {
  const mon = MONTHS.indexOf(month.toLowerCase());
  // §5.6.7 allows 60 seconds (a leap second); the time is then that of the next minute.
  if (day < 1 || h > 23 || min > 59 || sec > 60) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, mon, day); // not Date.UTC, which reads years 0–99 as 1900–1999
  if (d.getUTCDate() !== day) return undefined;
  return d.getTime() + ((h * 60 + min) * 60 + sec) * 1000;
}
