/**
 * The sampling decision for a trace Keel starts: a deterministic function of the trace id, so
 * every worker (and every Keel in a fleet) that sees the same trace decides the same way.
 *
 * Like OpenTelemetry's TraceIdRatioBased sampler in its consistent form (OTel spec, "Sampling",
 * and W3C Trace Context Level 2 §3.2.2.6 "random trace-id flag"): the lowest 56 bits of the trace
 * id are read as a uniformly random number R in [0, 2^56); the trace is sampled when
 * R < ratio * 2^56. Ratio 1 samples everything, ratio 0 nothing.
 *
 * A trace continued from a valid incoming traceparent is not decided here: Keel honours the
 * caller's sampled flag (parent-based sampling, OTel's ParentBased(root=TraceIdRatioBased)).
 */
const TWO_56 = 2 ** 56;
const TWO_32 = 2 ** 32;

export class RatioSampler {
  readonly ratio: number;
  /** R must be below this to sample (a float compare; doubles hold 56-bit integers exactly). */
  readonly #threshold: number;

  constructor(ratio: number) {
    if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`sample ratio must be in [0, 1], got ${ratio}`);
    this.ratio = ratio;
    this.#threshold = ratio * TWO_56;
  }

  /** `traceId`: 32 lower-case hex digits. */
  sampled(traceId: string): boolean {
    if (this.ratio >= 1) return true;
    if (this.ratio <= 0) return false;
    return randomness(traceId) < this.#threshold;
  }
}

/** The lowest 56 bits (the last 14 hex digits) of a trace id, as an exact integer. */
export function randomness(traceId: string): number {
  const hi = Number.parseInt(traceId.slice(18, 24), 16); // 24 bits
  const lo = Number.parseInt(traceId.slice(24, 32), 16); // 32 bits
  return hi * TWO_32 + lo;
}
