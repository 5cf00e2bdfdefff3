/**
 * Process signals for a running gateway (docs/operations.md, "Hot reload" and "Graceful
 * shutdown"): SIGHUP reloads (validate first); SIGTERM and SIGINT drain gracefully — readiness
 * turns false, listeners stop accepting, in-flight requests finish up to shutdown.drain_timeout —
 * then exit 0. A second SIGINT/SIGTERM exits at once (1).
 */
import type { ReloadResponse } from '../admin/api-types.js';
import { flushLogs, type Logger } from '../telemetry/logging.js';
import { EXIT_OK, EXIT_USER } from './errors.js';

export interface Lifecycle {
  reload(source: 'sighup'): Promise<ReloadResponse>;
  shutdown(reason: string): Promise<unknown>;
}

export function installSignals(target: Lifecycle, logger: Logger): void {
  let stopping = false;
  process.on('SIGHUP', () => {
    target
      .reload('sighup')
      .catch((err: unknown) =>
        logger.error({ event: 'config.reload', err, reason: 'reload_threw' }, 'reload failed'),
      );
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ event: 'shutdown', reason: 'second_signal' }, `${signal} again: exiting without waiting`);
      void flushLogs(logger).finally(() => process.exit(EXIT_USER));
      return;
    }
    stopping = true;
    target
      .shutdown(signal)
      .then(
        () => EXIT_OK,
        (err: unknown) => {
          logger.error({ event: 'shutdown', err, reason: 'shutdown_threw' }, 'shutdown failed');
          return EXIT_OK; // the listeners are closed either way; nothing more to drain
        },
      )
      .then(async (code) => {
        await flushLogs(logger);
        process.exit(code);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
