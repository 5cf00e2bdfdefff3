/**
 * The composition root of `keel run --workers N` (N > 1) on the node:cluster primary: the same
 * parts as one process — state, SLO engine, alert delivery, reload queue, admin surface — over a
 * backend that asks the workers (docs/operations.md, "Workers and the supervisor"). Forking,
 * restarting and draining the workers is the pool's (src/supervisor/supervisor.ts).
 *
 * Start-up: the admin surface is built, the workers forked; once all listen the SLO engine (with
 * alert delivery) starts pulling from them and the admin server listens. Shutdown, in reverse:
 * one last SLO evaluation with the workers' final counts and the state saved, then the workers
 * drain and exit while queued alerts flush, the admin server closes, and the flush is waited for
 * (5 s at most). A failed start shuts down the same way.
 */
import type { ReloadResponse } from '../admin/api-types.js';
import { checkAdminExposure } from '../admin/auth.js';
import { diffConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { type Logger, subscribeLogs } from '../telemetry/logging.js';
import { type AdminAddress, adminSurface } from './admin-surface.js';
import { makeMachineCacheDir } from './cache-dir.js';
import { clusterBackend } from './cluster-backend.js';
import { clusterSloHost } from './cluster-slo.js';
import { configReader, ReloadQueue, type ReloadSource } from './reload.js';
import { ALERT_FLUSH_MS } from './slo-host.js';
import { newState } from './state.js';
import { Teardown } from './teardown.js';
import type { WorkerHandle } from './worker-ops.js';

/** The workers, as the process manager keeps them. */
export interface WorkerPool {
  readonly workers: readonly WorkerHandle[];
  /**
   * Forks every worker and resolves once all listen; a worker (re)starts with `current()`, and
   * with `env` added to its environment.
   */
  start(d: {
    current(): { config: Config; version: string };
    stopping(): boolean;
    env: Record<string, string>;
  }): Promise<void>;
  /** Tells every worker to drain and waits until each has exited; one that hangs is killed. */
  drain(deadlineMs: number): Promise<void>;
}

export interface PrimaryOptions {
  configPath: string;
  config: Config; // already validated by the caller
  version: string;
  logger: Logger;
  pool: WorkerPool;
  clock?: Clock;
  rpcTimeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export interface Primary {
  readonly admin: AdminAddress;
  reload(source: ReloadSource, raw?: unknown, fix?: boolean): Promise<ReloadResponse>;
  /** Drains every worker (each finishes its in-flight requests), then closes the admin server. */
  shutdown(reason: string): Promise<void>;
}

export async function startPrimary(o: PrimaryOptions): Promise<Primary> {
  checkAdminExposure(o.config.admin.host, o.config.admin.token);
  const clock = o.clock ?? systemClock;
  const bus = new EventBus();
  const state = newState(o.config, o.version, clock.now(), 'file');
  const workers = o.pool.workers;
  const timeoutMs = o.rpcTimeoutMs ?? 2000;
  const teardown = new Teardown();
  teardown.onClose('logs', subscribeLogs(bus, o.logger));
  // The authoritative SLO engine (workers only record): it evaluates and publishes on the
  // primary's bus, so its notifier delivers the alerts. On shutdown they flush while the workers
  // drain (see the 'slo' closer), and the primary waits for them last.
  const slo = clusterSloHost({ workers, state, bus, logger: o.logger, clock, timeoutMs });
  let alertsFlushed: Promise<void> = Promise.resolve();
  teardown.onClose('alerts', () => alertsFlushed);
  const queue = new ReloadQueue({
    bus,
    logger: o.logger,
    current: () => state.config,
    gate: (fix) => slo.reloadGate(fix),
    read: configReader(o.configPath, o.env),
    apply: async (next, version, source, fromBody) => {
      const changes = diffConfig(state.config, next);
      const live = workers.filter((w) => w.live);
      const results = await Promise.allSettled(
        live.map((w) => w.ask({ kind: 'reload', config: next, version, source }, 10_000)),
      );
      // Workers restarted from now on start with the new config.
      Object.assign(state, {
        config: next,
        version,
        loadedAt: clock.now(),
        source: fromBody ? 'api' : 'file',
      });
      slo.configure(next);
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' || !r.value.ok ? [`worker ${live[i]?.id}`] : [],
      );
      if (failed.length > 0) throw new Error(`${failed.join(', ')} refused the config`);
      for (const w of live) w.version = version;
      return changes;
    },
  });
  const reload = (source: ReloadSource, raw?: unknown, fix = false) => queue.run(source, raw, fix);
  const shutdown = async (reason: string) => {
    if (state.shuttingDown) return;
    state.shuttingDown = true;
    o.logger.info({ event: 'shutdown', reason }, `supervisor shutting down: ${reason}`);
    await teardown.close('shutdown');
  };
  try {
    const backend = clusterBackend({
      workers,
      state,
      configPath: o.configPath,
      bus,
      clock,
      slo,
      timeoutMs,
      reload: (raw, fix) => reload('api', raw, fix),
    });
    const admin = adminSurface({ state, backend, slo, logger: o.logger, teardown });
    // One cache for the machine: its directory outlives the workers (closers run in reverse).
    const cacheDir = makeMachineCacheDir(state.config.cache.memory.max_bytes);
    teardown.onClose('cache-dir', () => cacheDir.remove());
    teardown.onClose('workers', () => o.pool.drain(state.config.shutdown.drain_timeout + 5000));
    await o.pool.start({ current: () => state, stopping: () => state.shuttingDown, env: cacheDir.env });
    slo.configure(state.config);
    // The workers' last counts, before they drain and exit (requests finishing during the drain
    // are not counted: at most one drain's worth).
    teardown.onClose('slo', async () => {
      await slo.tick().catch(() => undefined);
      alertsFlushed = slo.close(ALERT_FLUSH_MS); // saved now; the alerts flush in the background
    });
    return { admin: await admin.listen(), reload, shutdown };
  } catch (err) {
    await shutdown('startup failed');
    throw err;
  }
}
