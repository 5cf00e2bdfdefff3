/**
 * The composition root of one gateway process (`keel demo`, `keel run --workers 1`, and each
 * supervised worker): Config -> EventBus -> gateway + observers + SLO engine (with alert
 * delivery) + admin surface, and the two lifecycle operations around them, reload and shutdown.
 * Only cli/ and the supervisor's worker import it.
 *
 * Start-up and shutdown order (docs/operations.md, "Start-up and shutdown order"): every part
 * subscribes before the listeners open; the admin server listens after them, and the startup
 * config.reload is published last. Shutdown marks the state draining (/readyz turns 503) before
 * the listeners stop, then the teardown closes the parts in reverse build order: listeners
 * (drain), admin server, SLO engine and its alert delivery (after the drain, so drained requests
 * are counted and saved), the observers, and span export last.
 */
import type { ReloadResponse } from '../admin/api-types.js';
import { checkAdminExposure } from '../admin/auth.js';
import type { HandoffSource } from '../admin/handoff/source.js';
import type { AdminBackend, DemoControl } from '../admin/routes.js';
import { diffConfig, type LoadResult } from '../config/index.js';
import type { Config } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { createGateway, type Gateway } from '../proxy/gateway.js';
import { createLogger, type Logger } from '../telemetry/logging.js';
import type { Metrics } from '../telemetry/metrics/index.js';
import type { SeriesRecorder } from '../telemetry/series.js';
import { type AdminAddress, adminSurface } from './admin-surface.js';
import { createBackend } from './local-backend.js';
import { startObservers } from './observers.js';
import { configReader, ReloadQueue, type ReloadSource } from './reload.js';
import { ALERT_FLUSH_MS, SloHost } from './slo-host.js';
import { newState } from './state.js';
import { Teardown } from './teardown.js';

export interface StartOptions {
  config: Config;
  version: string;
  /** The file the config came from; reload re-reads it. */
  configPath?: string | null;
  /** The demo fleet's fault control (`keel demo` only). */
  demo?: DemoControl | null;
  logger?: Logger;
  bus?: EventBus;
  /** false in a supervised worker: the supervisor's primary runs the admin server. */
  admin?: boolean;
  env?: Record<string, string | undefined>;
  /** 'worker' in a supervised worker: it only records SLO events, the primary evaluates. */
  sloRole?: 'single' | 'worker';
  /** The SLO engine's clock (tests drive burn-rate windows with it); the system clock otherwise. */
  sloClock?: Clock;
  /** A supervised worker: the directory of the machine's shared cache stores (docs/caching.md). */
  cacheMachineDir?: string | null;
}

export interface App {
  readonly gateway: Gateway;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly listeners: Array<{ name: string; host: string; port: number }>;
  readonly admin: AdminAddress | null;
  readonly backend: AdminBackend;
  /** Prometheus metrics (telemetry.metrics.enabled), else null; the supervisor asks workers for them. */
  readonly metrics: Metrics | null;
  /** The handoff report's live inputs (GET /handoff; the supervisor asks workers for them). */
  readonly handoff: HandoffSource;
  /** The SLO runtime (docs/slo-runtime.md); holds nothing when the config has no SLOs. */
  readonly slo: SloHost;
  /** The dashboard's RED time series (GET /api/v1/series; the supervisor asks workers for them). */
  readonly series: SeriesRecorder;
  config(): Config;
  /** Validate-first reload: from the posted raw config, else the config file; `fix` passes a budget freeze. */
  reload(source: ReloadSource, raw?: unknown, fix?: boolean): Promise<ReloadResponse>;
  /** Apply an already validated config (the supervisor validated it). */
  apply(result: LoadResult, source: ReloadSource): Promise<ReloadResponse>;
  shutdown(reason: string): Promise<{ drained: boolean; remaining: number }>;
  /** The parts in the order shutdown closes them. */
  closingOrder(): string[];
}

export async function startApp(opts: StartOptions): Promise<App> {
  const adminOn = opts.admin !== false;
  // Refuse an exposed admin without a token before anything listens (docs/operations.md, Auth).
  if (adminOn) checkAdminExposure(opts.config.admin.host, opts.config.admin.token);
  const bus = opts.bus ?? new EventBus();
  const logger = opts.logger ?? createLogger();
  const startSource = opts.demo ? 'demo' : opts.configPath ? 'file' : 'inline';
  const state = newState(opts.config, opts.version, systemClock.now(), startSource);
  const gateway = createGateway(opts.config, opts.version, {
    bus,
    cacheMachineDir: opts.cacheMachineDir ?? null,
  });
  // The policy follows route names across reloads; the engine starts recording below.
  const slo = new SloHost({
    role: opts.sloRole ?? 'single',
    bus,
    logger,
    ...(opts.sloClock ? { clock: opts.sloClock } : {}),
    routeNames: () => state.config.routes.map((r) => r.name),
    onPolicy: (p) => gateway.setRoutePolicies(p),
  });
  const teardown = new Teardown();
  try {
    const seen = startObservers({ bus, logger, config: opts.config, state, gateway, slo, teardown });
    // With the SLO runtime, the alert notifier (docs/alerts.md): none without receivers, none in a
    // supervised worker (the primary evaluates and delivers, so workers never page).
    slo.configure(opts.config);
    // After the drain: the drained requests are counted and saved; queued alerts flush for at most
    // 5 s on shutdown (it never waits long on a pager), not at all on a failed start.
    teardown.onClose('slo', (why) => slo.close(why === 'shutdown' ? ALERT_FLUSH_MS : 0));
    const queue = new ReloadQueue({
      bus,
      logger,
      current: () => state.config,
      gate: (fix) => slo.reloadGate(fix),
      read: configReader(opts.configPath ?? null, opts.env),
      apply: async (next, version, _source, fromBody) => {
        const changes = diffConfig(state.config, next);
        await gateway.reload(next, version);
        const source = fromBody ? 'api' : startSource;
        Object.assign(state, { config: next, version, loadedAt: systemClock.now(), source });
        seen.accessLog.set(next.telemetry.access_log.enabled);
        slo.configure(next);
        await seen.tracing.reconfigure(next.telemetry.tracing);
        return changes;
      },
    });
    const api = createBackend({
      gateway,
      state,
      configPath: opts.configPath ?? null,
      demo: opts.demo ?? null,
      reload: (raw, fix) => queue.run('api', raw, fix),
    });
    const metrics = seen.metrics;
    const admin = adminOn
      ? adminSurface({
          state,
          backend: {
            api,
            handoff: () => seen.handoff.inputs(),
            series: (minutes) => seen.series.raw(systemClock.now(), minutes),
            metrics: metrics ? () => metrics.text() : null,
          },
          slo,
          logger,
          teardown,
        })
      : null;
    // Closed first: drained on shutdown (bounded by shutdown.drain_timeout), cut on a failed start.
    let drain = { drained: true, remaining: 0 };
    teardown.onClose('listeners', async (why) => {
      if (why === 'failed-start') return gateway.close().catch(() => undefined);
      drain = await gateway.drain(state.config.shutdown.drain_timeout);
    });
    const listeners = await gateway.listen();
    const adminAddr = admin ? await admin.listen() : null;
    bus
      .channel('config.reload')
      .publish({ ok: true, version: opts.version, source: 'startup', problems: [], at: systemClock.now() });
    return {
      gateway,
      bus,
      logger,
      listeners,
      admin: adminAddr,
      backend: api,
      handoff: seen.handoff,
      slo,
      series: seen.series,
      metrics,
      config: () => state.config,
      reload: (source, raw, fix) => queue.run(source, raw, fix),
      apply: (result, source) => queue.applyResult(result, source),
      shutdown: async (reason) => {
        state.shuttingDown = true; // /readyz turns 503 before the listeners stop accepting
        logger.info({ event: 'shutdown', reason }, `shutting down: ${reason}`);
        await teardown.close('shutdown');
        return drain;
      },
      closingOrder: () => teardown.order(),
    };
  } catch (err) {
    await teardown.close('failed-start');
    throw err;
  }
}
