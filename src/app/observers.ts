/**
 * The data plane's observers in a gateway process: span export, Prometheus metrics, the handoff
 * report's inputs, the access log, the dashboard's series and the log lines. Each subscribes to
 * the bus here, before the listeners open, so request.start and request.done always come in
 * pairs; each registers its closer as it is built. Built in this order, they close in the
 * reverse one after the drain, and span export last, so the drained requests are logged,
 * counted and traced too.
 */
import { createHandoffSource, type HandoffSource } from '../admin/handoff/source.js';
import type { Config } from '../config/types.js';
import type { EventBus } from '../core/events.js';
import type { Gateway } from '../proxy/gateway.js';
import { AccessLog } from '../telemetry/access-log.js';
import { type Logger, subscribeLogs } from '../telemetry/logging.js';
import { createMetrics, type Metrics } from '../telemetry/metrics/index.js';
import { SeriesRecorder, subscribeSeries } from '../telemetry/series.js';
import { TracingRuntime } from '../telemetry/tracing/runtime.js';
import type { SloHost } from './slo-host.js';
import type { AppState } from './state.js';
import type { Teardown } from './teardown.js';

export interface Observers {
  /** OTLP span export (docs/tracing.md); creates nothing when telemetry.tracing is off. */
  readonly tracing: TracingRuntime;
  /** Prometheus metrics when telemetry.metrics is on (docs/metrics.md). */
  readonly metrics: Metrics | null;
  /** GET /handoff's live inputs (docs/handoff.md). */
  readonly handoff: HandoffSource;
  /** One JSON line per request on the logger's asynchronous destination (docs/observability.md). */
  readonly accessLog: AccessLog;
  /** The dashboard's charts (docs/dashboard.md): a fixed ring per route and pool. */
  readonly series: SeriesRecorder;
}

export function startObservers(d: {
  bus: EventBus;
  logger: Logger;
  config: Config;
  state: AppState;
  gateway: Gateway;
  slo: SloHost;
  teardown: Teardown;
}): Observers {
  const { bus, logger, config, state, gateway, teardown } = d;
  const tracing = new TracingRuntime(bus, config.telemetry.tracing, {
    onExportState: (ok, err) =>
      ok
        ? logger.info({ event: 'tracing.export', reason: 'recovered' }, 'span export works again')
        : logger.warn({ event: 'tracing.export', err, reason: 'export_failed' }, 'span export failing'),
  });
  teardown.onClose('tracing', () => tracing.shutdown());
  const metrics = config.telemetry.metrics.enabled
    ? createMetrics(
        bus,
        {
          pools: () => gateway.pools(),
          configVersion: () => state.version,
          cache: () => gateway.cache()?.stats() ?? null,
          tls: () => gateway.tls(),
        },
        { slos: config.slos },
      )
    : null;
  if (metrics) teardown.onClose('metrics', () => metrics.close());
  // Subscribed before the startup config.reload is published, so recent_changes shows it.
  const handoff = createHandoffSource({
    bus,
    gateway,
    state,
    alerts: () => d.slo.alerts(),
    policyActions: () => d.slo.actions(),
  });
  teardown.onClose('handoff', () => handoff.close());
  const accessLog = new AccessLog(bus, config.telemetry.access_log.enabled, { logger });
  teardown.onClose('access-log', () => accessLog.close());
  const series = new SeriesRecorder();
  teardown.onClose('series', subscribeSeries(bus, series));
  teardown.onClose('logs', subscribeLogs(bus, logger));
  return { tracing, metrics, handoff, accessLog, series };
}
