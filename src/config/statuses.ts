/**
 * HTTP status lists: numbers and "200-399" range strings, or a single one of either. Expanded
 * to a sorted list of distinct codes. Valid statuses are 100-599 (RFC 9110 §15).
 */

export type StatusResult = { ok: true; codes: number[] } | { ok: false; message: string; hint: string };

const RANGE = /^\s*(\d{3})\s*-\s*(\d{3})\s*$/;
const HINT = 'use status codes 100-599 as numbers or "200-399" range strings, e.g. [200, "300-399"]';

export function parseStatusItem(v: number | string): StatusResult {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 100 && v <= 599) return { ok: true, codes: [v] };
    return { ok: false, message: `${v} is not an HTTP status code`, hint: HINT };
  }
  const single = /^\s*(\d{3})\s*$/.exec(v);
  if (single !== null) return parseStatusItem(Number(single[1]));
  const m = RANGE.exec(v);
  if (m === null) return { ok: false, message: `${JSON.stringify(v)} is not a status range`, hint: HINT };
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo < 100 || hi > 599 || lo > hi) {
    return { ok: false, message: `${JSON.stringify(v)} is not a status range within 100-599`, hint: HINT };
  }
  const codes: number[] = [];
  for (let c = lo; c <= hi; c++) codes.push(c);
  return { ok: true, codes };
}

export function normalizeStatuses(lists: readonly number[][]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

export function rangeOf(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let c = lo; c <= hi; c++) out.push(c);
  return out;
}
