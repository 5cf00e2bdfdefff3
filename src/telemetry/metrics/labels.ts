import type { SloConfig } from '../../config/types.js';

/**
 * Label values with bounded cardinality. A label that takes a client-chosen value (the method)
 * would let any client grow the registry without limit, so unknown values fold into one.
 */

/**
 * OTel HTTP semantic conventions (http.request.method): the RFC 9110 §9 methods plus PATCH
 * (RFC 5789) keep their name; anything else is reported as "_OTHER".
 */
export function methodLabel(method: string): string {
  // A switch rather than a Set: GET, first, is one compare of the parser's interned string.
  switch (method) {
    case 'GET':
    case 'POST':
    case 'HEAD':
    case 'PUT':
    case 'DELETE':
    case 'PATCH':
    case 'OPTIONS':
    case 'CONNECT':
    case 'TRACE':
      return method;
    default:
      return '_OTHER';
  }
}

/** The Keel route name; a request that matched no route is counted under "unmatched". */
export function routeLabel(route: string): string {
  return route === '' ? 'unmatched' : route;
}

/** keel_try: the first try, a retry after a failed one, or a hedge racing a slow one. */
export type TryKind = 'first' | 'retry' | 'hedge';

export function tryKind(attempt: number, hedge: boolean): TryKind {
  if (hedge) return 'hedge';
  return attempt === 0 ? 'first' : 'retry';
}

/**
 * Request duration buckets (seconds). They include the usual SLO thresholds (100 ms, 200 ms,
 * 250 ms, 500 ms, 1 s) so `le` series answer "what share was faster than the objective" exactly.
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The request histogram's buckets: the defaults plus every latency SLO's threshold (seconds), so
 * `keel slo rules` reads "faster than the threshold" from an exact `le` bucket (docs/slo-rules.md).
 * Fixed when the metrics are built: a threshold added by a hot reload gets its bucket at restart.
 */
export function durationBuckets(slos: readonly SloConfig[]): readonly number[] {
  const extra = slos.flatMap((s) =>
    s.kind === 'latency' && s.latency_threshold !== null ? [s.latency_threshold / 1000] : [],
  );
  if (extra.every((b) => DURATION_BUCKETS.includes(b))) return DURATION_BUCKETS;
  return [...new Set([...DURATION_BUCKETS, ...extra])].sort((a, b) => a - b);
}
