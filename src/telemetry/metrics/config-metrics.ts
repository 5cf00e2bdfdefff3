/**
 * Config reloads (validate-first: a rejected config is counted and the last good one keeps
 * serving) and the version being served, as an info-style gauge (value 1, the version a label).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';

export function subscribeConfigMetrics(
  bus: EventBus,
  registry: Registry,
  version: () => string,
  startedOk = false,
): () => void {
  const reloads = new Counter({
    name: 'keel_config_reloads_total',
    help: 'Config loads and reloads, by result (ok|rejected) and source (startup|sighup|api).',
    labelNames: ['result', 'source'],
    registers: [registry],
  });
  if (startedOk) reloads.inc({ result: 'ok', source: 'startup' });
  new Gauge({
    name: 'keel_config_info',
    help: 'The config version being served (value 1; summed across workers it counts the workers on it).',
    labelNames: ['version'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: version() }, 1);
    },
  });
  return bus.on('config.reload', (e) => reloads.inc({ result: e.ok ? 'ok' : 'rejected', source: e.source }));
}
