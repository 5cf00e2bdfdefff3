/**
 * HTTP-date (RFC 9110 §5.6.7). Senders use IMF-fixdate; recipients must also accept the two
 * obsolete forms, rfc850-date and asctime-date. Date.parse is not used: it accepts almost
 * anything ("1" is the year 2001 in V8), and a header that is not a date must read as invalid.
 */

const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Epoch ms, or undefined when `value` is not an HTTP-date. `nowMs` (epoch ms) resolves the
 * two-digit years of rfc850-date; core never reads the system clock itself.
 */
export function parseHttpDate(value: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return build(m[4]!, m[3]!, m[2]!, m[5]!, m[6]!, m[7]!);
  m = RFC850.exec(value);
  if (m) return build(String(fullYear(Number(m[4]), nowMs)), m[3]!, m[2]!, m[5]!, m[6]!, m[7]!);
  m = ASCTIME.exec(value);
  if (m) return build(m[7]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future is read as
 * the most recent past year with the same last two digits.
 */
function fullYear(yy: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function build(
  year: string,
  month: string,
  day: string,
  h: string,
  min: string,
  s: string,
): number | undefined {
  const y = Number(year);
  const mo = MONTHS.indexOf(month);
  const d = Number(day.trim());
  const [hh, mm, ss] = [Number(h), Number(min), Number(s)];
  // second 60 is allowed by the grammar for leap seconds; Date folds it into the next minute.
  if (hh > 23 || mm > 59 || ss > 60 || d < 1) return undefined;
  const ms = Date.UTC(y, mo, d, hh, mm, ss);
  // Reject dates that Date.UTC would roll over (Feb 30 → Mar 2).
  if (new Date(ms).getUTCDate() !== d && ss !== 60) return undefined;
  return ms;
}
