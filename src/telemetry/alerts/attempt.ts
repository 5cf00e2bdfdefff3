/**
 * One delivery with retries: 2xx is done; 429, 5xx and network errors are retried up to
 * `max_retries` times with exponential backoff and full jitter, or after the Retry-After the
 * destination asked for (RFC 9110 §10.2.3; PagerDuty and Opsgenie send it with 429); any other
 * 4xx is our mistake (bad key, bad payload) and retrying cannot fix it, so it is logged with the
 * destination's reason and dropped.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import { fullJitterBackoff, parseRetryAfter } from '../../core/backoff.js';
import type { Clock } from '../../core/clock.js';
import type { SloAlertEvent } from '../../core/events.js';
import type { Random } from '../../core/random.js';
import type { AlertSender } from './sender.js';
import type { Transport } from './transport.js';

/** Resolves after `ms`, or rejects/returns early when `signal` aborts (close() past its deadline). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The logger methods delivery uses (a pino Logger fits). */
export interface AlertLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AttemptDeps {
  clock: Clock;
  random: Random;
  sleep: Sleep;
  transport: Transport;
  logger: AlertLogger;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is cut to it: an alert hours late is no alert. */
  retryAfterMaxMs: number;
}

const LOGGED_BODY = 512;

export async function deliver(
  cfg: AlertReceiverConfig,
  sender: AlertSender,
  e: SloAlertEvent,
  d: AttemptDeps,
  signal: AbortSignal,
): Promise<boolean> {
  const base = { event: 'alert.delivery', receiver: cfg.name, type: cfg.type, key: e.key, state: e.state };
  for (let retry = 0; ; retry++) {
    let delay: number;
    let reason: string;
    try {
      const res = await d.transport(sender.build(e, { now: d.clock.now() }), cfg.timeout, signal);
      if (res.status >= 200 && res.status < 300) return true;
      const body = res.body.slice(0, LOGGED_BODY);
      if (res.status !== 429 && res.status < 500) {
        d.logger.error(
          { ...base, status: res.status, body, reason: 'rejected' },
          'alert rejected, not retried',
        );
        return false;
      }
      reason = `status_${res.status}`;
      const backoff = fullJitterBackoff(retry + 1, d.backoffBaseMs, d.backoffMaxMs, d.random);
      delay = Math.min(parseRetryAfter(res.retryAfter, d.clock.now()) ?? backoff, d.retryAfterMaxMs);
    } catch (err) {
      if (signal.aborted) return false;
      reason = err instanceof Error ? err.message : String(err);
      delay = fullJitterBackoff(retry + 1, d.backoffBaseMs, d.backoffMaxMs, d.random);
    }
    if (retry >= cfg.max_retries) {
      d.logger.error({ ...base, reason, retries: retry }, 'alert delivery failed, giving up');
      return false;
    }
    d.logger.warn(
      { ...base, reason, retry: retry + 1, delay_ms: Math.round(delay) },
      'alert delivery failed, retrying',
    );
    await d.sleep(delay, signal).catch(() => undefined);
    if (signal.aborted) return false;
  }
}
