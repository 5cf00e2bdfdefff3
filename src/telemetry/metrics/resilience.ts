/**
 * Counters of the resilience machinery's decisions, from the data plane's events: breaker
 * transitions, ejections, health checks, retries and their refusals, shed requests.
 * Label values are bounded by the config (pools, hosts, routes), by the event enums, and for
 * endpoints by each route's endpoint_breaker.max_endpoints.
 */
import { Counter, type Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';
import { ChildCache } from './child-cache.js';

type Inc = { inc(): void };

function counter(registry: Registry, name: string, help: string, labels: string[]): ChildCache<Inc> {
  const c = new Counter({ name, help, labelNames: labels, registers: [registry] });
  return new ChildCache<Inc>(labels.length, (values) => c.labels(...values));
}

export function subscribeResilience(bus: EventBus, registry: Registry): () => void {
  const r = registry;
  const transitions = counter(r, 'keel_breaker_transitions_total', 'Host circuit-breaker state changes.', [
    'pool',
    'host',
    'from',
    'to',
  ]);
  const routeTransitions = counter(
    r,
    'keel_route_breaker_transitions_total',
    'Route circuit-breaker state changes.',
    ['pool', 'route', 'from', 'to'],
  );
  const endpointTransitions = counter(
    r,
    'keel_endpoint_breaker_transitions_total',
    'Endpoint-breaker state changes: an endpoint of a route failing on every host (docs/health.md).',
    ['pool', 'route', 'endpoint', 'from', 'to'],
  );
  const ejections = counter(r, 'keel_host_ejections_total', 'Outlier ejections of a host.', [
    'pool',
    'host',
    'reason',
  ]);
  const checks = counter(r, 'keel_health_checks_total', 'Active health checks, by result (ok|fail).', [
    'pool',
    'host',
    'result',
  ]);
  const retries = counter(r, 'keel_retries_total', 'Retries (and hedges) started, by what triggered them.', [
    'pool',
    'route',
    'reason',
  ]);
  const refused = counter(
    r,
    'keel_retries_refused_total',
    'Retries that were wanted but not sent, by what refused them (budget|deadline|attempts|policy|endpoint).',
    ['pool', 'route', 'refused_by'],
  );
  const exhausted = counter(
    r,
    'keel_retry_budget_exhausted_total',
    'Retries refused because the pool retry budget was spent.',
    ['pool', 'route'],
  );
  const shed = counter(
    r,
    'keel_shed_total',
    'Requests refused to protect the pool (queue_full|queue_timeout|draining|budget_policy).',
    ['pool', 'route', 'reason'],
  );
  const offs = [
    bus.on('breaker.transition', (e) => {
      if (e.scope === 'host') transitions.get(e.pool, e.host, e.from, e.to).inc();
      else routeTransitions.get(e.pool, e.route, e.from, e.to).inc();
    }),
    bus.on('host.ejected', (e) => ejections.get(e.pool, e.host, e.reason).inc()),
    bus.on('endpoint.transition', (e) =>
      endpointTransitions.get(e.pool, e.route, e.endpoint, e.from, e.to).inc(),
    ),
    bus.on('health.check', (e) => checks.get(e.pool, e.host, e.ok ? 'ok' : 'fail').inc()),
    bus.on('retry', (e) => {
      if (e.allowed) retries.get(e.pool, e.route, e.reason).inc();
      else {
        refused.get(e.pool, e.route, e.refusedBy).inc();
        if (e.refusedBy === 'budget') exhausted.get(e.pool, e.route).inc();
      }
    }),
    bus.on('shed', (e) => shed.get(e.pool, e.route, e.reason).inc()),
  ];
  return () => {
    for (const off of offs) off();
  };
}
