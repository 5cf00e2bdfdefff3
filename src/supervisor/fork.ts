/**
 * Starting a worker into its slot, and restarting it with backoff when it dies
 * (docs/operations.md "Workers and the supervisor").
 */
import cluster from 'node:cluster';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../telemetry/logging.js';
import type { ToWorker } from './messages.js';
import type { WorkerSlot } from './slot.js';

export interface ForkDeps {
  logger: Logger;
  clock: Clock;
  /** The last good config: a restarted worker starts with it, not with the startup one. */
  current(): { config: Config; version: string };
  stopping(): boolean;
  /** Environment every worker gets besides its slot (the machine's cache directory). */
  env: Record<string, string>;
}

/** Resolves once the worker listens; rejects if it fails or dies before that. */
export function forkWorker(slot: WorkerSlot, d: ForkDeps): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = cluster.fork({ ...d.env, KEEL_WORKER_SLOT: String(slot.id) });
    const pid = worker.process.pid;
    slot.attach(worker, (e) => {
      switch (e.kind) {
        case 'hello': {
          const { config, version } = d.current();
          const start: ToWorker = { type: 'start', slot: slot.id, config, version };
          worker.send(start);
          return;
        }
        case 'listening':
          slot.upSince = d.clock.now();
          slot.version = e.version;
          slot.backoff.started();
          d.logger.info(
            { event: 'worker.up', worker: slot.id, worker_pid: pid, reason: 'listening' },
            `worker ${slot.id} listening (pid ${pid})`,
          );
          resolve();
          return;
        case 'start_failed':
          reject(new Error(`worker ${slot.id} could not start: ${e.message}`));
          return;
      }
    });
    worker.once('exit', (code, signal) => {
      slot.detach(`worker ${slot.id} exited`);
      reject(new Error(`worker ${slot.id} exited during startup (code ${code}, signal ${signal})`));
      if (!d.stopping()) scheduleRestart(slot, d, { pid, code, signal });
    });
  });
}

function scheduleRestart(
  slot: WorkerSlot,
  d: ForkDeps,
  died: { pid: number | undefined; code: number | null; signal: string | null },
): void {
  const delay = slot.backoff.exited();
  slot.restarts++;
  d.logger.warn(
    {
      event: 'worker.exit',
      worker: slot.id,
      worker_pid: died.pid,
      code: died.code,
      signal: died.signal,
      restart_in_ms: delay,
      reason: died.signal ? `signal_${died.signal}` : `exit_${died.code}`,
    },
    `worker ${slot.id} died (pid ${died.pid}, code ${died.code}, signal ${died.signal}); restarting in ${delay}ms`,
  );
  slot.restartTimer = setTimeout(() => {
    slot.restartTimer = null;
    if (d.stopping()) return;
    forkWorker(slot, d).catch((err: Error) =>
      d.logger.error({ event: 'worker.restart_failed', worker: slot.id, reason: err.message }, err.message),
    );
  }, delay);
}
