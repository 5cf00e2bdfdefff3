import { parseTraceparent, type TraceParent } from './traceparent.js';

/** W3C Trace Context §3.3.1.5: vendors must propagate at least 512 characters of tracestate. */
export const MAX_TRACESTATE = 512;

/** What the adoption reads and fills (the Exchange has these fields; tests pass a plain object). */
export interface IncomingTrace extends TraceParent {
  /** The flat [name, value, …] list for the upstream, from scanRequestHeaders. */
  upHeaders: string[];
  traceState: string;
}

/**
 * Takes the client's `traceparent` and `tracestate` out of the upstream header list and parses
 * them into `out`. Returns true when the traceparent is valid (the trace continues), false when a
 * new trace must start. The list then ends with the tracestate to forward (if any) and, as its
 * LAST pair, a `traceparent` slot whose value is written for each try (links.ts).
 *
 * Rules (W3C Trace Context Level 1): more than one traceparent line is invalid (§3.2); tracestate
 * lines are joined with "," (§3.3.1, like any list-valued field, RFC 9110 §5.3) and passed
 * through as received, unparsed; it is dropped when the traceparent is invalid (§3.3.1: a vendor
 * that restarts the trace must not use it) or longer than MAX_TRACESTATE (§3.3.1.5).
 */
export function adoptTraceContext(out: IncomingTrace): boolean {
  const h = out.upHeaders;
  let tp = -1;
  let parents = 0;
  let state = '';
  let found = false;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i]!;
    if (n.length === 11 && n.toLowerCase() === 'traceparent') {
      tp = i + 1;
      parents++;
      found = true;
    } else if (n.length === 10 && n.toLowerCase() === 'tracestate') {
      state = state === '' ? h[i + 1]! : `${state},${h[i + 1]!}`;
      found = true;
    }
  }
  const valid = parents === 1 && parseTraceparent(h[tp]!, out);
  out.traceState = valid && state.length <= MAX_TRACESTATE ? state : '';
  // Only a request that carried trace fields pays for a copy of its header list.
  const up = found ? withoutTraceFields(h) : h;
  if (out.traceState !== '') up.push('tracestate', out.traceState);
  up.push('traceparent', '');
  out.upHeaders = up;
  return valid;
}

function withoutTraceFields(h: string[]): string[] {
  const up: string[] = [];
  for (let i = 0; i < h.length; i += 2) {
    const lk = h[i]!.toLowerCase();
    if (lk !== 'traceparent' && lk !== 'tracestate') up.push(h[i]!, h[i + 1]!);
  }
  return up;
}
