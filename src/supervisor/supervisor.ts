/**
 * `keel run --workers N` (N > 1): the node:cluster side of the primary. It forks N workers that
 * share the listener ports, restarts a crashed one into its slot with exponential backoff, and
 * drains them all on shutdown (docs/operations.md, "Workers and the supervisor"). What the
 * primary serves and decides — the admin API, reloads, SLOs, alerts — is src/app/primary.ts.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { WorkerPool } from '../app/primary.js';
import type { Config } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../telemetry/logging.js';
import { forkWorker } from './fork.js';
import { workerExecArgv } from './heap-growth.js';
import { DEFAULT_RESTART_BACKOFF, type RestartBackoffOptions } from './restart-backoff.js';
import { WorkerSlot } from './slot.js';

export interface SupervisorOptions {
  workers: number;
  logger: Logger;
  clock?: Clock;
  backoff?: RestartBackoffOptions;
}

export class Supervisor implements WorkerPool {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #slots: WorkerSlot[];

  constructor(o: SupervisorOptions) {
    this.#logger = o.logger;
    this.#clock = o.clock ?? systemClock;
    this.#slots = Array.from(
      { length: o.workers },
      (_, i) => new WorkerSlot(i + 1, o.backoff ?? DEFAULT_RESTART_BACKOFF, this.#clock),
    );
  }

  get workers(): readonly WorkerSlot[] {
    return this.#slots;
  }

  async start(d: {
    current(): { config: Config; version: string };
    stopping(): boolean;
    env: Record<string, string>;
  }): Promise<void> {
    cluster.setupPrimary({
      exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)),
      args: [],
      execArgv: workerExecArgv(process.execArgv),
    });
    const deps = {
      logger: this.#logger,
      clock: this.#clock,
      current: d.current,
      stopping: d.stopping,
      env: d.env,
    };
    await Promise.all(this.#slots.map((s) => forkWorker(s, deps)));
  }

  /** Each worker finishes its in-flight requests and exits; one that hangs is killed. */
  async drain(deadlineMs: number): Promise<void> {
    await Promise.all(
      this.#slots.map(async (s) => {
        if (s.restartTimer) clearTimeout(s.restartTimer);
        const w = s.worker;
        if (!w) return;
        const exited = new Promise<void>((resolve) =>
          w.isDead() ? resolve() : w.once('exit', () => resolve()),
        );
        await s.rpc?.call({ kind: 'drain' }, deadlineMs).catch(() => undefined);
        const timer = setTimeout(() => w.process.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
