/**
 * The composition root (ARCHITECTURE.md): Config -> EventBus -> gateway + log subscriber + admin
 * server, and the two lifecycle operations around them, reload and shutdown. Only cli/ imports it.
 */

import type { ReloadResponse } from '../admin/api-types.js';
import { checkAdminExposure } from '../admin/auth.js';
import { dashboardRoutes } from '../admin/dashboard-route.js';
import { handoffRoute } from '../admin/handoff/route.js';
import { createHandoffSource, type HandoffSource } from '../admin/handoff/source.js';
import type { AdminBackend, DemoControl } from '../admin/routes.js';
import { seriesRoute } from '../admin/series-route.js';
import { type AdminServer, createAdminServer } from '../admin/server.js';
import { sloRoute } from '../admin/slo-route.js';
import { diffConfig, type LoadResult, loadConfigFile, validateConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { createGateway, type Gateway } from '../proxy/gateway.js';
import { AccessLog } from '../telemetry/access-log.js';
import { createLogger, type Logger, subscribeLogs } from '../telemetry/logging.js';
import { createMetrics, type Metrics, metricsRoute } from '../telemetry/metrics/index.js';
import { SeriesRecorder, subscribeSeries } from '../telemetry/series.js';
import { TracingRuntime } from '../telemetry/tracing/runtime.js';
import { createBackend } from './local-backend.js';
import { ReloadQueue, type ReloadSource } from './reload.js';
import { SloHost } from './slo-host.js';

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
}

export interface App {
  readonly gateway: Gateway;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly listeners: Array<{ name: string; host: string; port: number }>;
  readonly admin: { host: string; port: number } | null;
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
}

export async function startApp(opts: StartOptions): Promise<App> {
  // Refuse an exposed admin without a token before anything listens (docs/operations.md, Auth).
  if (opts.admin !== false) checkAdminExposure(opts.config.admin.host, opts.config.admin.token);
  const bus = opts.bus ?? new EventBus();
  const logger = opts.logger ?? createLogger();
  const unsubscribe = subscribeLogs(bus, logger);
  // One JSON line per request on the logger's asynchronous destination (docs/observability.md).
  const accessLog = new AccessLog(bus, opts.config.telemetry.access_log.enabled, { logger });
  // OTLP span export (docs/tracing.md); nothing is created when telemetry.tracing is off.
  const tracing = new TracingRuntime(bus, opts.config.telemetry.tracing, {
    onExportState: (ok, err) =>
      ok
        ? logger.info({ event: 'tracing.export', reason: 'recovered' }, 'span export works again')
        : logger.warn({ event: 'tracing.export', err, reason: 'export_failed' }, 'span export failing'),
  });
  const gateway = createGateway(opts.config, opts.version, { bus });
  const state = {
    config: opts.config,
    version: opts.version,
    loadedAt: systemClock.now(),
    shuttingDown: false,
  };
  // Recording starts before the listeners open; the policy follows route names across reloads.
  const slo = new SloHost({
    role: opts.sloRole ?? 'single',
    bus,
    logger,
    ...(opts.sloClock ? { clock: opts.sloClock } : {}),
    routeNames: () => state.config.routes.map((r) => r.name),
    onPolicy: (p) => gateway.setRoutePolicies(p),
  });
  // With the SLO runtime, the alert notifier (docs/alerts.md): none without receivers, none in a
  // supervised worker (the primary evaluates and delivers, so workers never page).
  slo.configure(opts.config);
  // Subscribed before the startup config.reload is published, so recent_changes shows it.
  const handoff = createHandoffSource({
    bus,
    gateway,
    state,
    alerts: () => slo.alerts(),
    policyActions: () => slo.actions(),
  });
  // The dashboard's charts (docs/dashboard.md): a fixed ring per route and pool.
  const series = new SeriesRecorder();
  const unsubscribeSeries = subscribeSeries(bus, series);
  // Subscribed before the listeners open, so request.start/request.done always come in pairs.
  const metrics = opts.config.telemetry.metrics.enabled
    ? createMetrics(
        bus,
        {
          pools: () => gateway.pools(),
          configVersion: () => state.version,
          cache: () => gateway.cache()?.stats() ?? null,
        },
        { slos: opts.config.slos },
      )
    : null;
  const queue = new ReloadQueue({
    bus,
    logger,
    current: () => state.config,
    gate: (fix) => slo.reloadGate(fix),
    read: (raw) => {
      if (raw !== undefined) return validateConfig(raw, opts.env);
      if (opts.configPath) return loadConfigFile(opts.configPath, opts.env);
      return {
        ok: false,
        problems: [
          {
            path: '',
            code: 'no_config_file',
            message: 'this gateway was not started from a config file',
            hint: 'POST the whole config as a JSON body to /api/v1/reload',
          },
        ],
      };
    },
    apply: async (next, version) => {
      const changes = diffConfig(state.config, next);
      await gateway.reload(next, version);
      Object.assign(state, { config: next, version, loadedAt: systemClock.now() });
      accessLog.set(next.telemetry.access_log.enabled);
      slo.configure(next);
      await tracing.reconfigure(next.telemetry.tracing);
      return changes;
    },
  });
  const backend = createBackend({
    gateway,
    state,
    configPath: opts.configPath ?? null,
    demo: opts.demo ?? null,
    reload: (raw, fix) => queue.run('api', raw, fix),
  });
  let adminServer: AdminServer | null = null;
  let adminAddr: { host: string; port: number } | null = null;
  try {
    const listeners = await gateway.listen();
    if (opts.admin !== false) {
      const a = opts.config.admin;
      adminServer = createAdminServer({
        host: a.host,
        port: a.port,
        token: a.token,
        backend,
        onError: (err) =>
          logger.error({ event: 'admin.error', err, reason: 'handler_threw' }, 'admin handler failed'),
      });
      adminServer.addRoutes([handoffRoute(handoff.inputs, () => state.config.telemetry.scaling)]);
      if (metrics) adminServer.addRoutes([metricsRoute(() => metrics.text())]);
      adminServer.addRoutes([sloRoute(() => ({ slos: slo.status(), policy_actions: slo.actions() }))]);
      adminServer.addRoutes([seriesRoute((m) => series.raw(systemClock.now(), m)), ...dashboardRoutes()]);
      adminAddr = await adminServer.listen();
    }
    bus
      .channel('config.reload')
      .publish({ ok: true, version: opts.version, source: 'startup', problems: [], at: systemClock.now() });
    return {
      gateway,
      bus,
      logger,
      listeners,
      admin: adminAddr,
      backend,
      handoff,
      slo,
      series,
      metrics,
      config: () => state.config,
      reload: (source, raw, fix) => queue.run(source, raw, fix),
      apply: (result, source) => queue.applyResult(result, source),
      shutdown: async (reason) => {
        state.shuttingDown = true; // /readyz turns 503 before the listeners stop accepting
        logger.info({ event: 'shutdown', reason }, `shutting down: ${reason}`);
        const result = await gateway.drain(state.config.shutdown.drain_timeout);
        await adminServer?.close();
        // After the drain: the drained requests are counted and saved; queued alerts flush for
        // at most 5 s (shutdown never waits long on a pager).
        await slo.close(5000);
        unsubscribe();
        unsubscribeSeries();
        accessLog.close();
        handoff.close();
        metrics?.close();
        await tracing.shutdown(); // after the drain: the drained requests' spans go out too
        return result;
      },
    };
  } catch (err) {
    await gateway.close().catch(() => undefined);
    await adminServer?.close();
    await slo.close(0);
    unsubscribe();
    unsubscribeSeries();
    accessLog.close();
    handoff.close();
    metrics?.close();
    await tracing.shutdown();
    throw err;
  }
}
