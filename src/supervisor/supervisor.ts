/**
 * `keel run --workers N` (N > 1): the node:cluster primary. It validates the config before any
 * worker starts, forks N workers that share the listener ports, runs the admin server itself and
 * answers it by asking the workers over IPC, restarts a crashed worker with exponential backoff,
 * validates-then-broadcasts reloads, and drains every worker on shutdown.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { ReloadResponse } from '../admin/api-types.js';
import { checkAdminExposure } from '../admin/auth.js';
import { dashboardRoutes } from '../admin/dashboard-route.js';
import { handoffRoute } from '../admin/handoff/route.js';
import { seriesRoute } from '../admin/series-route.js';
import { type AdminServer, createAdminServer } from '../admin/server.js';
import { sloRoute } from '../admin/slo-route.js';
import { ReloadQueue, type ReloadSource } from '../app/reload.js';
import type { SloHost } from '../app/slo-host.js';
import { type ConfigDiff, diffConfig, loadConfigFile, validateConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { type Logger, subscribeLogs } from '../telemetry/logging.js';
import { clusterBackend } from './cluster-backend.js';
import { clusterMetricsRoute } from './cluster-metrics.js';
import { clusterSeries } from './cluster-series.js';
import { clusterSloHost } from './cluster-slo.js';
import { type ForkDeps, forkWorker } from './fork.js';
import { clusterHandoffInputs } from './handoff.js';
import { DEFAULT_RESTART_BACKOFF, type RestartBackoffOptions } from './restart-backoff.js';
import { WorkerSlot } from './slot.js';

export interface SupervisorOptions {
  configPath: string;
  config: Config; // already validated by the caller
  version: string;
  workers: number;
  logger: Logger;
  clock?: Clock;
  backoff?: RestartBackoffOptions;
  rpcTimeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export class Supervisor {
  readonly #o: SupervisorOptions;
  readonly #clock: Clock;
  readonly #bus = new EventBus();
  readonly #slots: WorkerSlot[];
  readonly #state: { config: Config; version: string; loadedAt: number; shuttingDown: boolean };
  readonly #queue: ReloadQueue;
  #admin: AdminServer | null = null;
  /**
   * The authoritative SLO engine: workers only record (cluster-slo.ts). Alerts are evaluated and
   * published on the primary's bus, so its notifier (in the SloHost) delivers them.
   */
  readonly #slo: SloHost;

  constructor(o: SupervisorOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#state = { config: o.config, version: o.version, loadedAt: this.#clock.now(), shuttingDown: false };
    this.#slots = Array.from(
      { length: o.workers },
      (_, i) => new WorkerSlot(i + 1, o.backoff ?? DEFAULT_RESTART_BACKOFF, this.#clock),
    );
    subscribeLogs(this.#bus, o.logger);
    this.#slo = clusterSloHost({
      slots: this.#slots,
      state: this.#state,
      bus: this.#bus,
      logger: o.logger,
      clock: this.#clock,
      timeoutMs: o.rpcTimeoutMs ?? 2000,
    });
    this.#queue = new ReloadQueue({
      bus: this.#bus,
      logger: o.logger,
      current: () => this.#state.config,
      gate: (fix) => this.#slo.reloadGate(fix),
      read: (raw) => (raw !== undefined ? validateConfig(raw, o.env) : loadConfigFile(o.configPath, o.env)),
      apply: (next, version, source) => this.#broadcastReload(next, version, source),
    });
  }

  get slots(): readonly WorkerSlot[] {
    return this.#slots;
  }

  /** Forks every worker and waits until all listen; then starts the admin server. */
  async start(): Promise<{ host: string; port: number }> {
    checkAdminExposure(this.#state.config.admin.host, this.#state.config.admin.token);
    cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [] });
    try {
      const deps: ForkDeps = {
        logger: this.#o.logger,
        clock: this.#clock,
        current: () => this.#state,
        stopping: () => this.#state.shuttingDown,
      };
      await Promise.all(this.#slots.map((s) => forkWorker(s, deps)));
      this.#slo.configure(this.#state.config);
      const a = this.#state.config.admin;
      const timeout = this.#o.rpcTimeoutMs ?? 2000;
      const backend = clusterBackend({
        slots: this.#slots,
        state: this.#state,
        configPath: this.#o.configPath,
        timeoutMs: timeout,
        reload: (raw, fix) => this.reload('api', raw, fix),
      });
      this.#admin = createAdminServer({
        host: a.host,
        port: a.port,
        token: a.token,
        backend,
        onError: (err) =>
          this.#o.logger.error(
            { event: 'admin.error', err, reason: 'handler_threw' },
            'admin handler failed',
          ),
      });
      const inputs = clusterHandoffInputs(this.#slots, this.#state, this.#bus, timeout, this.#clock, {
        alerts: () => this.#slo.alerts(),
        policyActions: () => this.#slo.actions(),
      });
      this.#admin.addRoutes([handoffRoute(inputs, () => this.#state.config.telemetry.scaling)]);
      this.#admin.addRoutes([
        sloRoute(() => ({ slos: this.#slo.status(), policy_actions: this.#slo.actions() })),
      ]);
      this.#admin.addRoutes([
        seriesRoute(clusterSeries(this.#slots, this.#clock, timeout)),
        ...dashboardRoutes(),
      ]);
      if (this.#state.config.telemetry.metrics.enabled)
        this.#admin.addRoutes([
          clusterMetricsRoute(this.#slots, this.#bus, () => this.#state.version, timeout),
        ]);
      return await this.#admin.listen();
    } catch (err) {
      await this.shutdown('startup failed');
      throw err;
    }
  }

  reload(source: ReloadSource, raw?: unknown, fix = false): Promise<ReloadResponse> {
    return this.#queue.run(source, raw, fix);
  }

  /** Drains every worker (each finishes its in-flight requests), then closes the admin server. */
  async shutdown(reason: string): Promise<void> {
    if (this.#state.shuttingDown) return;
    this.#state.shuttingDown = true;
    this.#o.logger.info({ event: 'shutdown', reason }, `supervisor shutting down: ${reason}`);
    // The workers' last counts, before they drain and exit (requests finishing during the drain
    // are not counted: at most one drain's worth).
    await this.#slo.tick().catch(() => undefined);
    // Saved now; queued alerts flush (bounded) while the workers drain.
    const sloClosed = this.#slo.close(5000);
    const deadline = this.#state.config.shutdown.drain_timeout + 5000;
    await Promise.all(
      this.#slots.map(async (s) => {
        if (s.restartTimer) clearTimeout(s.restartTimer);
        const w = s.worker;
        if (!w) return;
        const exited = new Promise<void>((resolve) =>
          w.isDead() ? resolve() : w.once('exit', () => resolve()),
        );
        await s.rpc?.call({ kind: 'drain' }, deadline).catch(() => undefined);
        const timer = setTimeout(() => w.process.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await this.#admin?.close();
    await sloClosed;
  }

  async #broadcastReload(next: Config, version: string, source: ReloadSource): Promise<ConfigDiff> {
    const changes = diffConfig(this.#state.config, next);
    const live = this.#slots.filter((s) => s.live && s.rpc);
    const results = await Promise.allSettled(
      live.map((s) => s.rpc!.call({ kind: 'reload', config: next, version, source }, 10_000)),
    );
    // Workers restarted from now on start with the new config.
    Object.assign(this.#state, { config: next, version, loadedAt: this.#clock.now() });
    this.#slo.configure(next);
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' || !r.value.ok ? [`worker ${live[i]?.id}`] : [],
    );
    if (failed.length > 0) throw new Error(`${failed.join(', ')} refused the config`);
    for (const s of live) s.version = version;
    return changes;
  }
}
