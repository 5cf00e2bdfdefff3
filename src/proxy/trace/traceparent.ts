/**
 * The `traceparent` header of W3C Trace Context Level 1 (https://www.w3.org/TR/trace-context/ §3.2):
 *
 *   version "-" trace-id "-" parent-id "-" trace-flags      e.g. 00-4bf9…4736-00f0…02b7-01
 *
 * Lower-case hex only; a trace id or parent id of all zeros is invalid; version ff is invalid.
 * A later version is parsed by its first four fields (§3.2.4, "Versioning of traceparent"): it
 * must be at least 55 characters and, when longer, continue with "-". Anything invalid is
 * reported as false, never thrown: the caller then starts a new trace (§3.2: a vendor that cannot
 * parse traceparent MUST restart the trace, and MUST NOT use tracestate).
 */

/** The parsed fields; the caller's object is filled in place (one per request, no allocation). */
export interface TraceParent {
  traceId: string;
  /** The caller's span id: the parent of the span we start. */
  parentSpanId: string;
  traceFlags: number;
}

/** The sampled bit of trace-flags (§3.2.2.5). */
export const SAMPLED = 1;

const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/** Parses `value` into `out`; false (and `out` untouched) when it is not a valid traceparent. */
export function parseTraceparent(value: string, out: TraceParent): boolean {
  const n = value.length;
  if (n < 55) return false;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45) return false;
  if (!isHex(value, 0, 2) || !isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55)) {
    return false;
  }
  const version = value.slice(0, 2);
  if (version === 'ff') return false;
  // Version 00 is exactly 55 characters; a future version may append fields after a dash.
  if (version === '00' ? n !== 55 : n > 55 && value.charCodeAt(55) !== 45) return false;
  const traceId = value.slice(3, 35);
  const parentSpanId = value.slice(36, 52);
  if (traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return false;
  out.traceId = traceId;
  out.parentSpanId = parentSpanId;
  out.traceFlags = Number.parseInt(value.slice(53, 55), 16);
  return true;
}

/** `00-<traceId>-<spanId>-<flags>`: we always send version 00 and only the flags we define. */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${(traceFlags & SAMPLED) === SAMPLED ? '01' : '00'}`;
}

/** Lower-case hex digits only (§3.2.2: "HEXDIGLC"). */
function isHex(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
