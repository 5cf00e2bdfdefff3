/**
 * The access log: ONE flat JSON line per request, from `request.done`, shaped for Loki and
 * Elasticsearch (docs/observability.md maps every key to ECS). Keys are stable — a value that
 * does not apply is `null`, never a missing key — and numbers stay numbers, so a log pipeline
 * needs no per-line type guessing.
 *
 * Cost (docs/architecture.md, "Pay only when observed", "Decide at setup", "No allocation on the
 * hot path"): it runs for every request, so it is decided at setup. The pino child
 * holds `type: "access"` as a fixed binding (serialised once, by pino, when the child is built);
 * each line is one object literal of a fixed shape, no spread, no message string. The line goes
 * to the logger's destination, asynchronous by default (createLogger: pino.destination with
 * sync: false), so a slow stdout never blocks the event loop.
 */
import type pino from 'pino';
import type { Logger } from 'pino';
import type { EventBus, RequestDoneEvent } from '../core/events.js';
import { createLogger } from './logging.js';

export interface AccessLogOptions {
  /** false: nothing subscribes, the data plane pays nothing (config.telemetry.access_log.enabled). */
  enabled?: boolean;
  /** The logger whose destination receives the lines (the app's logger). */
  logger?: Logger;
  /** Or a destination of its own, e.g. a Writable that collects lines in a test. */
  destination?: pino.DestinationStream;
}

/** The JSON line's fields after pino's own `level`, `time` (and the logger's base, e.g. `pid`). */
export interface AccessLine {
  method: string;
  path: string;
  route: string | null;
  pool: string | null;
  status: number;
  duration_ms: number;
  upstream: string | null;
  tries: number;
  cache: string | null;
  request_id: string | null;
  trace_id: string | null;
  error_code: string | null;
  shed: boolean;
}

/** '' in an event means "does not apply": null in the line, so the key is always there. */
const orNull = (s: string): string | null => (s === '' ? null : s);

export function accessLine(e: RequestDoneEvent): AccessLine {
  return {
    method: e.method,
    path: e.path,
    route: orNull(e.route),
    pool: orNull(e.pool),
    status: e.status,
    // Microsecond precision is plenty and keeps lines short (a float from performance.now()).
    duration_ms: Math.round(e.durationMs * 1000) / 1000,
    upstream: orNull(e.host),
    tries: e.tries,
    cache: orNull(e.cache),
    request_id: orNull(e.requestId),
    trace_id: orNull(e.traceId),
    error_code: orNull(e.errorCode),
    shed: e.shed,
  };
}

/** Subscribes the access log; returns the unsubscribe function (a no-op when disabled). */
export function subscribeAccessLog(bus: EventBus, opts: AccessLogOptions = {}): () => void {
  if (opts.enabled === false) return () => undefined;
  const base = opts.logger ?? createLogger({ destination: opts.destination });
  // A logger at `warn` or above (KEEL_LOG_LEVEL) silences access lines: then do not subscribe.
  if (!base.isLevelEnabled('info')) return () => undefined;
  const log = base.child({ type: 'access' });
  return bus.on('request.done', (e) => log.info(accessLine(e)));
}

/**
 * The access log as the app holds it: follows `telemetry.access_log.enabled` across reloads by
 * subscribing or unsubscribing, so a disabled access log costs the data plane nothing.
 */
export class AccessLog {
  readonly #bus: EventBus;
  readonly #opts: AccessLogOptions;
  #off: (() => void) | null = null;

  constructor(bus: EventBus, enabled: boolean, opts: Omit<AccessLogOptions, 'enabled'> = {}) {
    this.#bus = bus;
    this.#opts = opts;
    this.set(enabled);
  }

  get enabled(): boolean {
    return this.#off !== null;
  }

  set(enabled: boolean): void {
    if (enabled === this.enabled) return;
    if (enabled) this.#off = subscribeAccessLog(this.#bus, this.#opts);
    else this.close();
  }

  close(): void {
    this.#off?.();
    this.#off = null;
  }
}
