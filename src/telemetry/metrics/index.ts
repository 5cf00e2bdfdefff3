/**
 * The metrics of one gateway process: an explicit registry, the event subscribers and the
 * scrape-time gauges. Built only when telemetry.metrics.enabled (nothing subscribes otherwise,
 * so the data plane's publish sites stay a boolean check).
 */
import type { Registry } from 'prom-client';
import type { SloConfig } from '../../config/types.js';
import type { EventBus } from '../../core/events.js';
import { subscribeCache } from './cache.js';
import { subscribeConfigMetrics } from './config-metrics.js';
import { subscribeHttpClient } from './http-client.js';
import { subscribeHttpServer } from './http-server.js';
import { durationBuckets } from './labels.js';
import { registerPoolGauges } from './pool-gauges.js';
import { createRegistry } from './registry.js';
import { subscribeResilience } from './resilience.js';
import type { MetricsSource } from './source.js';
import { registerTlsMetrics } from './tls.js';

export { type MetricsJson, type WorkerAnswer, WorkerMetricsAggregator } from './cluster.js';
export { METRICS_CONTENT_TYPE } from './registry.js';
export { type MetricsRoute, metricsRoute } from './route.js';
export type { MetricsSource, PoolViewLike, TlsListenerLike } from './source.js';

/** What one process exposes: the JSON goes to the supervisor's primary, the text to /metrics. */
export interface Metrics {
  readonly registry: Registry;
  text(): Promise<string>;
  json(): ReturnType<Registry['getMetricsAsJSON']>;
  /** Unsubscribes from the bus (the registry keeps its last values). */
  close(): void;
}

export function createMetrics(
  bus: EventBus,
  source: MetricsSource,
  opts: { process?: boolean; slos?: readonly SloConfig[] } = {},
): Metrics {
  const registry = createRegistry(opts);
  const offs = [
    // Latency SLO thresholds become buckets of the request histogram (docs/slo-rules.md).
    subscribeHttpServer(bus, registry, durationBuckets(opts.slos ?? [])),
    subscribeHttpClient(bus, registry),
    subscribeResilience(bus, registry),
    subscribeConfigMetrics(bus, registry, () => source.configVersion()),
    subscribeCache(bus, registry, source),
    registerTlsMetrics(bus, registry, source),
  ];
  registerPoolGauges(registry, source);
  return {
    registry,
    text: () => registry.metrics(),
    json: () => registry.getMetricsAsJSON(),
    close: () => {
      for (const off of offs) off();
    },
  };
}

/**
 * The supervisor primary's own series: config loads, counted once for the process group (every
 * worker applies each reload). Its startup load happened before the bus existed: counted here.
 * The primary serves no traffic; its process metrics are left out (docs/metrics.md).
 */
export function createPrimaryMetrics(bus: EventBus, version: () => string): Metrics {
  const registry = createRegistry({ process: false });
  const off = subscribeConfigMetrics(bus, registry, version, true);
  return {
    registry,
    text: () => registry.metrics(),
    json: () => registry.getMetricsAsJSON(),
    close: off,
  };
}
