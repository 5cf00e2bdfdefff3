/**
 * Process signals for a running gateway (docs/operations.md, "Hot reload" and "Graceful
 * shutdown"): SIGHUP reloads (validate first); SIGTERM and SIGINT drain gracefully — readiness
 * turns false, listeners stop accepting, in-flight requests finish up to shutdown.drain_timeout —
 * then exit 0. A second SIGINT/SIGTERM exits at once (1). Started by npm or by `keel run`'s launcher
 * (launcher.ts), the loss of the parent process drains the same way (parent-watch.ts).
 */
import type { ReloadResponse } from '../admin/api-types.js';
import { flushLogs, type Logger } from '../telemetry/logging.js';
import { EXIT_OK, EXIT_USER } from './errors.js';
import { launchedBy } from './launcher.js';
import { type ParentWatchOptions, startedByNpm, watchParent } from './parent-watch.js';

export interface Lifecycle {
  reload(source: 'sighup'): Promise<ReloadResponse>;
  shutdown(reason: string): Promise<unknown>;
}

export interface SignalOptions {
  env?: Record<string, string | undefined>;
  parentWatch?: ParentWatchOptions;
}

export function installSignals(target: Lifecycle, logger: Logger, o: SignalOptions = {}): void {
  let stopping = false;
  let unwatch = (): void => undefined;
  process.on('SIGHUP', () => {
    target
      .reload('sighup')
      .catch((err: unknown) =>
        logger.error({ event: 'config.reload', err, reason: 'reload_threw' }, 'reload failed'),
      );
  });
  const drain = (reason: string) => {
    stopping = true;
    unwatch();
    target
      .shutdown(reason)
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
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ event: 'shutdown', reason: 'second_signal' }, `${signal} again: exiting without waiting`);
      void flushLogs(logger).finally(() => process.exit(EXIT_USER));
      return;
    }
    drain(signal);
  };
  const env = o.env ?? process.env;
  if (startedByNpm(env) || launchedBy(env)) {
    unwatch = watchParent((was, now) => {
      // A drain already under way (Ctrl-C reaches npm and Keel alike) is not cut short by npm's exit.
      if (stopping) return;
      logger.warn(
        { event: 'shutdown', reason: 'parent_gone', parent_pid: was, ppid: now },
        `parent process ${was} is gone (npm, the shell it ran, or keel's launcher was stopped): draining as on SIGTERM`,
      );
      drain('parent process gone');
    }, o.parentWatch);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
