import { parseHttpDate } from './http-date.js';
import type { Random } from './random.js';

/**
 * "Full jitter" from AWS's "Exponential Backoff and Jitter" (Brooker, 2015):
 * sleep = random_between(0, min(cap, base * 2^attempt)). Spreading retries over the whole
 * interval keeps clients that failed together from retrying together.
 *
 * `retry` is 1 for the first retry, so the first delay is drawn from [0, baseMs).
 * The result lies in [0, min(maxMs, baseMs * 2^(retry-1))).
 */
export function fullJitterBackoff(retry: number, baseMs: number, maxMs: number, random: Random): number {
  const exp = Math.max(0, Math.floor(retry) - 1);
  // 2^exp overflows to Infinity for huge retry counts; Math.min then picks maxMs.
  const cap = Math.max(0, Math.min(maxMs, baseMs * 2 ** exp));
  return random.next() * cap;
}

const DELAY_SECONDS = /^\d+$/;

/**
 * Retry-After (RFC 9110 §10.2.3): `HTTP-date / delay-seconds`. Returns the delay in ms from
 * `nowMs`, 0 for a date already past, and undefined when the header is absent or invalid
 * (a sender that garbles it gets no special treatment, not an error).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim(); // field values may carry optional whitespace (RFC 9110 §5.5)
  if (v === '') return undefined;
  if (DELAY_SECONDS.test(v)) {
    const ms = Number(v) * 1000;
    return Number.isFinite(ms) ? ms : undefined;
  }
  const at = parseHttpDate(v, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}
