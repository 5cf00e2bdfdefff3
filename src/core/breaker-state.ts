import type { BreakerStateName } from './events.js';

export type { BreakerStateName };

/**
 * The breaker's state as a discriminated union (docs/architecture.md, "State machines as tagged
 * unions"): only an OPEN breaker has an `openedAt`/`until`, only a HALF_OPEN one counts probes.
 * Times are clock readings (ms). `opens` counts consecutive opens without a close in between; it
 * drives the doubling timeout.
 */
export type BreakerState =
  | { kind: 'closed'; since: number; consecutiveFailures: number }
  | { kind: 'open'; openedAt: number; until: number; opens: number; reason: string }
  | { kind: 'half_open'; since: number; probesInFlight: number; opens: number };

export interface BreakerOptions {
  windowMs: number;
  buckets: number;
  /** 0..1: the window's failure share at or above which the breaker opens. */
  failureRateThreshold: number;
  /** The rate is not judged until the window holds at least this many requests. */
  minimumRequests: number;
  /** Open after this many failures in a row; 0 = off. */
  consecutiveFailures: number;
  openTimeoutMs: number;
  /** The open timeout doubles on each consecutive re-open, capped here. */
  maxOpenTimeoutMs: number;
  halfOpenMaxProbes: number;
}

export interface BreakerTransition {
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
  at: number;
}

/** JSON-safe export of a breaker (admin API, restarts). The rolling window is not carried. */
export interface BreakerSnapshot {
  version: 1;
  state: BreakerState;
}

/** Rejects options that would make the state machine meaningless; config validation comes first. */
export function checkBreakerOptions(o: BreakerOptions): void {
  const bad = (name: string, v: number, want: string) => {
    throw new RangeError(`CircuitBreaker: ${name} must be ${want}, got ${v}`);
  };
  if (!(o.failureRateThreshold > 0 && o.failureRateThreshold <= 1)) {
    bad('failureRateThreshold', o.failureRateThreshold, 'in (0, 1]');
  }
  if (!(Number.isInteger(o.minimumRequests) && o.minimumRequests >= 1)) {
    bad('minimumRequests', o.minimumRequests, 'an integer >= 1');
  }
  if (!(Number.isInteger(o.consecutiveFailures) && o.consecutiveFailures >= 0)) {
    bad('consecutiveFailures', o.consecutiveFailures, 'an integer >= 0');
  }
  if (!(o.openTimeoutMs >= 0)) bad('openTimeoutMs', o.openTimeoutMs, '>= 0');
  if (!(o.maxOpenTimeoutMs >= o.openTimeoutMs))
    bad('maxOpenTimeoutMs', o.maxOpenTimeoutMs, '>= openTimeoutMs');
  if (!(Number.isInteger(o.halfOpenMaxProbes) && o.halfOpenMaxProbes >= 1)) {
    bad('halfOpenMaxProbes', o.halfOpenMaxProbes, 'an integer >= 1');
  }
}

/** Open timeout for the n-th consecutive open (n >= 1): base * 2^(n-1), capped. */
export function openTimeoutFor(opens: number, o: BreakerOptions): number {
  return Math.min(o.maxOpenTimeoutMs, o.openTimeoutMs * 2 ** Math.max(0, opens - 1));
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): v is number => num(v) && Number.isInteger(v) && v >= 0;

/**
 * Validates a snapshot that may come from outside (admin API body, a file). Probes that were in
 * flight when it was taken belong to requests that no longer exist, so they restart at 0.
 */
export function parseBreakerSnapshot(raw: unknown): BreakerState {
  const fail = (why: string): never => {
    throw new TypeError(`invalid breaker snapshot: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const snap = raw as { version?: unknown; state?: unknown };
  if (snap.version !== 1) return fail(`unsupported version ${String(snap.version)}`);
  if (typeof snap.state !== 'object' || snap.state === null) return fail('state is not an object');
  const s = snap.state as Record<string, unknown>;
  switch (s.kind) {
    case 'closed':
      if (!num(s.since) || !count(s.consecutiveFailures))
        return fail('closed needs since, consecutiveFailures');
      return { kind: 'closed', since: s.since, consecutiveFailures: s.consecutiveFailures };
    case 'open':
      if (
        !num(s.openedAt) ||
        !num(s.until) ||
        !count(s.opens) ||
        s.opens < 1 ||
        typeof s.reason !== 'string'
      ) {
        return fail('open needs openedAt, until, opens >= 1, reason');
      }
      return { kind: 'open', openedAt: s.openedAt, until: s.until, opens: s.opens, reason: s.reason };
    case 'half_open':
      if (!num(s.since) || !count(s.opens)) return fail('half_open needs since, opens');
      return { kind: 'half_open', since: s.since, probesInFlight: 0, opens: s.opens };
    default:
      return fail(`unknown state kind ${String(s.kind)}`);
  }
}
