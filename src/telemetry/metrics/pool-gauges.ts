/**
 * Pool and host state as gauges, read from the pool views at scrape time (collect callbacks),
 * so they are exact at the instant of the scrape and cost nothing between scrapes. Each scrape
 * rebuilds the series, so hosts and pools removed by a reload disappear.
 *
 * Aggregation across workers (docs/metrics.md): 1/0 gauges are summed, i.e. they count the
 * workers that see the state; available hosts take the minimum, like GET /api/v1/pools.
 */
import { Gauge, type Registry } from 'prom-client';
import type { HostViewLike, MetricsSource, PoolViewLike } from './source.js';

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

type Fill = (g: Gauge, pools: readonly PoolViewLike[]) => void;

/** Per-host 1/0 gauges: name, help, the flag. */
const HOST_FLAGS: Array<[string, string, (h: HostViewLike) => boolean]> = [
  ['keel_host_ejected', '1 while outlier detection keeps the host out of rotation.', (h) => h.ejected],
  ['keel_host_healthy', '1 when active health checks pass (or none are configured).', (h) => h.healthy],
];

/** Per-pool gauges: name, help, the value, how workers combine. */
const POOL_VALUES: Array<[string, string, (p: PoolViewLike) => number, 'sum' | 'min']> = [
  [
    'keel_queue_depth',
    'Requests waiting for a pool concurrency slot (bulkhead queue).',
    (p) => p.queue_depth,
    'sum',
  ],
  [
    'keel_pool_panic',
    '1 while the pool is in panic mode (routing to all hosts).',
    (p) => (p.panic ? 1 : 0),
    'sum',
  ],
  [
    'keel_pool_available_hosts',
    'Hosts that may receive traffic: healthy, not ejected, breaker not open.',
    (p) => p.available,
    'min',
  ],
];

const fillBreakers: Fill = (g, pools) => {
  for (const p of pools)
    for (const h of p.hosts) {
      if (h.breaker === null) continue; // no breaker configured: no series
      for (const st of BREAKER_STATES)
        g.set({ pool: p.name, host: h.name, state: st }, h.breaker.state === st ? 1 : 0);
    }
};

/** Only endpoints the views list (not closed, or failing lately): the others are closed. */
const fillEndpoints: Fill = (g, pools) => {
  for (const p of pools)
    for (const e of p.endpoints ?? []) {
      for (const st of BREAKER_STATES)
        g.set({ pool: p.name, route: e.route, endpoint: e.endpoint, state: st }, e.state === st ? 1 : 0);
    }
};

export function registerPoolGauges(registry: Registry, source: MetricsSource): void {
  const gauge = (name: string, help: string, labelNames: string[], fill: Fill, aggregator: 'sum' | 'min') =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      aggregator,
      collect() {
        this.reset();
        fill(this, source.pools());
      },
    });
  const breakerHelp = 'Host circuit-breaker state: 1 for the current state, 0 for the others.';
  gauge('keel_breaker_state', breakerHelp, ['pool', 'host', 'state'], fillBreakers, 'sum');
  gauge(
    'keel_endpoint_breaker_state',
    'Endpoint-breaker state of endpoints that are not closed or failed lately: 1 for the current state, 0 for the others.',
    ['pool', 'route', 'endpoint', 'state'],
    fillEndpoints,
    'sum',
  );
  for (const [name, help, flag] of HOST_FLAGS) {
    gauge(
      name,
      help,
      ['pool', 'host'],
      (g, pools) => {
        for (const p of pools)
          for (const h of p.hosts) g.set({ pool: p.name, host: h.name }, flag(h) ? 1 : 0);
      },
      'sum',
    );
  }
  for (const [name, help, read, aggregator] of POOL_VALUES) {
    gauge(
      name,
      help,
      ['pool'],
      (g, pools) => {
        for (const p of pools) g.set({ pool: p.name }, read(p));
      },
      aggregator,
    );
  }
}
