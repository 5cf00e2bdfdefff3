import { type Fields, fieldValue, parseHttpDate } from './fields.js';

/** What a hit does with a request's Range (RFC 9110 §14): the whole body, one part, or 416. */
export type RangeAnswer =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const FULL: RangeAnswer = Object.freeze({ kind: 'full' });
const UNSATISFIABLE: RangeAnswer = Object.freeze({ kind: 'unsatisfiable' });
const SPEC = /^(\d*)-(\d*)$/;

/**
 * The part of a stored body of `size` bytes a request asks for. Only one `bytes` range is
 * served; several ranges, another unit or a malformed field get the whole body, which RFC 9110
 * §14.2 allows ("a server MAY ignore the Range header field"). If-Range (§13.1.5) must match
 * the stored response — an entity tag by strong comparison, a date exactly equal to its
 * Last-Modified — or the whole body is sent.
 */
export function rangeOf(req: Fields, stored: Fields, size: number): RangeAnswer {
  const range = fieldValue(req, 'range');
  if (range === undefined) return FULL;
  const ifRange = fieldValue(req, 'if-range');
  if (ifRange !== undefined && !ifRangeMatches(ifRange.trim(), stored)) return FULL;
  const eq = range.indexOf('=');
  if (eq < 0 || range.slice(0, eq).trim().toLowerCase() !== 'bytes') return FULL;
  const set = range.slice(eq + 1).trim();
  if (set.includes(',')) return FULL;
  const m = SPEC.exec(set);
  if (m === null) return FULL;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '') {
    // suffix-range: the last N bytes (§14.1.2); "-0" selects nothing.
    if (last === '') return FULL;
    const n = Number(last);
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return FULL; // an invalid range-spec: ignored (§14.1.1)
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

function ifRangeMatches(value: string, stored: Fields): boolean {
  if (value.startsWith('"') || value.startsWith('W/')) {
    // Strong comparison: a weak tag never matches (§13.1.5).
    const etag = fieldValue(stored, 'etag')?.trim();
    return etag !== undefined && !value.startsWith('W/') && !etag.startsWith('W/') && etag === value;
  }
  const since = parseHttpDate(value);
  const lm = parseHttpDate(fieldValue(stored, 'last-modified'));
  return since !== undefined && lm !== undefined && since === lm;
}

/** `Content-Range` of a part, or of a 416 (§14.4). */
export function contentRange(answer: RangeAnswer, size: number): string {
  return answer.kind === 'partial' ? `bytes ${answer.start}-${answer.end}/${size}` : `bytes */${size}`;
}
