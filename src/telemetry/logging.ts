/**
 * Structured logs (pino) for the gateway's lifecycle events. Every line carries `event` and a
 * `reason`, so an on-call engineer can grep one field. Logging never blocks the event loop:
 * pino.destination({ sync: false }) buffers writes (flushed on exit by the CLI).
 * Access logs (request.done) live in access-log.ts and share this logger's destination.
 */
import pino, { type Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { EventBus, ShedEvent } from '../core/events.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string; // 'info' by default; 'silent' turns logs off
  /** A destination stream (tests); default: stdout, asynchronous. */
  destination?: pino.DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  // maxWrite 4096 (PIPE_BUF): sonic-boom measures its pending chunk on every write, so smaller
  // chunks make a line cheaper (~3 µs instead of ~5 µs at 16 KiB, measured), and writes up to
  // PIPE_BUF to a pipe are atomic (POSIX write(2)): workers sharing stdout never split a line.
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: false, maxWrite: 4096 });
  return pino(
    {
      level: opts.level ?? process.env.KEEL_LOG_LEVEL ?? 'info',
      base: { pid: process.pid, ...(opts.base ?? {}) },
      timestamp: isoTimeCached,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
}

/**
 * pino's isoTime builds a Date and formats it for every line (~1 µs). The access log writes a line
 * per request, and at load many lines share a millisecond: format once per millisecond.
 */
let lastMs = -1;
let lastTime = '';
function isoTimeCached(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** At most one shed log per pool+reason per interval; the next line reports how many were suppressed. */
const SHED_LOG_INTERVAL_MS = 1000;

export function subscribeLogs(bus: EventBus, log: Logger, clock: Clock = systemClock): () => void {
  const shedState = new Map<string, { last: number; suppressed: number }>();
  // One line per listener and reason per interval: a flood of abusive connections is one line.
  const abuseState = new Map<string, { last: number; suppressed: number }>();
  const offs = [
    bus.on('breaker.transition', (e) => {
      const fields = {
        event: 'breaker.transition',
        scope: e.scope,
        pool: e.pool,
        host: e.host,
        route: e.route,
        from: e.from,
        to: e.to,
        reason: e.reason,
      };
      const msg = `breaker ${e.scope === 'host' ? e.host : `route ${e.route}`} (${e.pool}): ${e.from} -> ${e.to}`;
      if (e.to === 'open') log.error(fields, msg);
      else log.warn(fields, msg);
    }),
    bus.on('host.ejected', (e) =>
      log.warn(
        {
          event: 'host.ejected',
          pool: e.pool,
          host: e.host,
          reason: e.reason,
          ejection_ms: e.ejectionMs,
          ejections: e.ejections,
        },
        `host ${e.host} (${e.pool}) ejected for ${e.ejectionMs}ms: ${e.reason}`,
      ),
    ),
    bus.on('endpoint.transition', (e) => {
      const fields = {
        event: 'endpoint.transition',
        pool: e.pool,
        route: e.route,
        endpoint: e.endpoint,
        from: e.from,
        to: e.to,
        reason: e.reason,
        failing_hosts: e.failingHosts,
      };
      const msg = `endpoint ${e.endpoint} of route ${e.route} (${e.pool}): ${e.from} -> ${e.to}: ${e.reason}`;
      if (e.to === 'open') log.error(fields, msg);
      else if (e.to === 'closed') log.info(fields, msg);
      else log.warn(fields, msg);
    }),
    bus.on('host.restored', (e) =>
      log.info(
        {
          event: 'host.restored',
          pool: e.pool,
          host: e.host,
          healthy: e.healthy,
          reason: 'ejection_expired',
        },
        e.healthy
          ? `host ${e.host} (${e.pool}) restored`
          : `host ${e.host} (${e.pool}): ejection ended, still failing its health check`,
      ),
    ),
    bus.on('health.changed', (e) => {
      const fields = {
        event: 'health.changed',
        pool: e.pool,
        host: e.host,
        healthy: e.healthy,
        reason: e.healthy ? 'checks_passed' : 'checks_failed',
      };
      if (e.healthy) log.info(fields, `host ${e.host} (${e.pool}) is healthy`);
      else log.warn(fields, `host ${e.host} (${e.pool}) is unhealthy`);
    }),
    bus.on('pool.panic', (e) => {
      const fields = {
        event: 'pool.panic',
        pool: e.pool,
        panic: e.panic,
        available: e.available,
        total: e.total,
      };
      if (e.panic) {
        log.error(
          { ...fields, reason: 'too_few_available_hosts' },
          `PANIC: pool ${e.pool} has ${e.available}/${e.total} available hosts; routing to all hosts`,
        );
      } else {
        log.warn(
          { ...fields, reason: 'enough_hosts_available' },
          `panic over: pool ${e.pool} has ${e.available}/${e.total} available hosts`,
        );
      }
    }),
    bus.on('shed', (e: ShedEvent) => {
      const key = `${e.pool}\u0000${e.reason}`;
      const now = clock.now();
      const s = shedState.get(key);
      if (s && now - s.last < SHED_LOG_INTERVAL_MS) {
        s.suppressed++;
        return;
      }
      const suppressed = s?.suppressed ?? 0;
      shedState.set(key, { last: now, suppressed: 0 });
      log.warn(
        {
          event: 'shed',
          pool: e.pool,
          route: e.route,
          reason: e.reason,
          queue_depth: e.queueDepth,
          suppressed,
        },
        `shed request on pool ${e.pool}: ${e.reason}${suppressed > 0 ? ` (+${suppressed} suppressed)` : ''}`,
      );
    }),
    bus.on('config.reload', (e) => {
      if (e.ok)
        log.info(
          { event: 'config.reload', ok: true, version: e.version, source: e.source, reason: 'valid_config' },
          `config ${e.version} applied (${e.source})`,
        );
      else
        log.error(
          {
            event: 'config.reload',
            ok: false,
            source: e.source,
            problems: e.problems,
            reason: 'invalid_config',
          },
          `config reload rejected (${e.source}): ${e.problems.length} problem(s); still serving the last good config`,
        );
    }),
    bus.on('tls.reload', (e) => {
      if (e.ok)
        log.info(
          { event: 'tls.reload', listener: e.listener, ok: true, reason: 'files_changed' },
          `listener ${e.listener}: certificates reloaded`,
        );
      else
        log.error(
          { event: 'tls.reload', listener: e.listener, ok: false, problem: e.problem, reason: 'refused' },
          `listener ${e.listener}: new certificates refused, still serving the previous ones: ${e.problem}`,
        );
    }),
    bus.on('http2.abuse', (e) => {
      const key = `${e.listener}\u0000${e.reason}`;
      const now = clock.now();
      const s = abuseState.get(key);
      if (s && now - s.last < SHED_LOG_INTERVAL_MS) {
        s.suppressed++;
        return;
      }
      const suppressed = s?.suppressed ?? 0;
      abuseState.set(key, { last: now, suppressed: 0 });
      log.warn(
        { event: 'http2.abuse', listener: e.listener, reason: e.reason, peer: e.peer, suppressed },
        `listener ${e.listener}: HTTP/2 client ${e.peer} closed (${e.reason})${suppressed > 0 ? ` (+${suppressed} suppressed)` : ''}`,
      );
    }),
    bus.on('drain', (e) => {
      if (e.phase === 'start')
        log.info(
          { event: 'drain', phase: 'start', in_flight: e.inFlight, reason: 'shutdown' },
          `draining: ${e.inFlight} request(s) in flight`,
        );
      else
        log.info(
          {
            event: 'drain',
            phase: 'done',
            in_flight: e.inFlight,
            reason: e.inFlight === 0 ? 'drained' : 'deadline',
          },
          `drain done: ${e.inFlight} request(s) left`,
        );
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** Flush buffered log lines (async destination) before the process exits. */
export function flushLogs(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      log.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}
