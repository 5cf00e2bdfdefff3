/**
 * A supervised worker: runs the gateway listeners (node:cluster shares the port) and answers
 * the primary's requests. Signals are the primary's to handle: Ctrl-C reaches the whole process
 * group, and a worker that drained on its own would race the primary's orderly drain.
 */
import { type App, startApp } from '../app/app.js';
import { machineCacheDirOf } from '../app/cache-dir.js';
import { answerOp } from '../app/worker-ops.js';
import { createLogger, flushLogs } from '../telemetry/logging.js';
import type { FromWorker, ToWorker } from './messages.js';

export function runWorker(): void {
  let app: App | null = null;
  const send = (m: FromWorker, then?: () => void) => process.send?.(m, undefined, {}, () => then?.());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);

  const exit = async (code: number) => {
    if (app) await flushLogs(app.logger);
    process.exit(code);
  };

  process.on('disconnect', () => {
    // The primary is gone (crashed or killed): drain what we have and leave.
    void (app ? app.shutdown('supervisor gone') : Promise.resolve()).finally(() => exit(0));
  });

  process.on('message', (raw: unknown) => {
    const m = raw as ToWorker;
    if (m.type === 'start') {
      const logger = createLogger({ base: { worker: m.slot } });
      // Every worker opens the machine's cache stores in the directory the primary made.
      const cacheMachineDir = machineCacheDirOf(process.env);
      startApp({
        config: m.config,
        version: m.version,
        admin: false,
        logger,
        sloRole: 'worker',
        cacheMachineDir,
      }).then(
        (a) => {
          app = a;
          send({ type: 'listening', version: m.version, listeners: a.listeners });
        },
        (err: unknown) => {
          send({ type: 'start_failed', message: (err as Error).message });
          void flushLogs(logger).finally(() => process.exit(1));
        },
      );
      return;
    }
    if (m.type === 'request' && !app) {
      send({ type: 'response', id: m.id, ok: false, error: 'worker is still starting' });
      return;
    }
    if (m.type === 'request' && app) {
      const current = app;
      answerOp(current, m.op).then(
        (result) => {
          // Exit only once the answer is on the wire, so the primary sees the drain result.
          send(
            { type: 'response', id: m.id, ok: true, result },
            m.op.kind === 'drain' ? () => void exit(0) : undefined,
          );
        },
        (err: unknown) => send({ type: 'response', id: m.id, ok: false, error: (err as Error).message }),
      );
    }
  });
  send({ type: 'hello' });
}
