/**
 * The explicit registry (never prom-client's global one, so two gateways in one process and the
 * tests never share series: docs/architecture.md, "Nothing process-global") with the process USE
 * metrics: CPU, resident memory, heap, open file descriptors, event-loop delay (prom-client's
 * default collectors) and event-loop utilisation.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerEventLoopUtilization } from './event-loop.js';

/** Prometheus text exposition format 0.0.4 (what `promtool check metrics` and Prometheus read). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * prom-client names three gauges `*_total`, which Prometheus reserves for counters (`promtool
 * check metrics` refuses them). Each is the sum of its by-type sibling (nodejs_active_handles
 * {type}, ...), so dropping them loses nothing: use sum(nodejs_active_handles).
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createRegistry(opts: { process?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.process !== false) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
    registerEventLoopUtilization(registry);
  }
  return registry;
}
