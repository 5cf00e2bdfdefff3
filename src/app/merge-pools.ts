/**
 * Merge the pool views of N workers into one (GET /api/v1/pools on the cluster primary). Each
 * worker runs its own health checks, ejections and breakers, so a host's merged state is its
 * WORST state on any worker (an on-call engineer must see a breaker open anywhere), counts are
 * summed, and a pool's `available` is the minimum over workers.
 */
import type { EndpointView, HostView, PoolView } from '../proxy/upstream/types.js';

const SEVERITY: Record<HostView['state'], number> = {
  healthy: 0,
  slow_start: 1,
  draining: 2,
  breaker_half_open: 3,
  unhealthy: 4,
  ejected: 5,
  breaker_open: 6,
};
const BREAKER_SEVERITY = { closed: 0, half_open: 1, open: 2 } as const;

export function mergePools(perWorker: PoolView[][]): PoolView[] {
  const byName = new Map<string, PoolView[]>();
  for (const pools of perWorker) {
    for (const p of pools) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  }
  return [...byName.values()].map(mergePool);
}

function mergePool(views: PoolView[]): PoolView {
  const first = views[0]!;
  const hosts = new Map<string, HostView[]>();
  for (const v of views) for (const h of v.hosts) hosts.set(h.name, [...(hosts.get(h.name) ?? []), h]);
  const sum = (f: (p: PoolView) => number) => views.reduce((n, p) => n + f(p), 0);
  return {
    name: first.name,
    algorithm: first.algorithm,
    panic: views.some((v) => v.panic),
    available: Math.min(...views.map((v) => v.available)),
    total: first.total,
    in_flight: sum((p) => p.in_flight),
    queue_depth: sum((p) => p.queue_depth),
    retry_budget: {
      active_requests: sum((p) => p.retry_budget.active_requests),
      active_retries: sum((p) => p.retry_budget.active_retries),
      max_retries: sum((p) => p.retry_budget.max_retries),
    },
    hosts: [...hosts.values()].map(mergeHost),
    endpoints: mergeEndpoints(views),
  };
}

/** Each worker judges endpoints alone: the worst state anywhere, counts summed. */
function mergeEndpoints(views: PoolView[]): EndpointView[] {
  const byKey = new Map<string, EndpointView[]>();
  for (const v of views) {
    for (const e of v.endpoints ?? []) {
      const k = `${e.route}\u0000${e.endpoint}`;
      byKey.set(k, [...(byKey.get(k) ?? []), e]);
    }
  }
  return [...byKey.values()].map((list) => {
    const worst = list.reduce((a, b) => (BREAKER_SEVERITY[b.state] > BREAKER_SEVERITY[a.state] ? b : a));
    const sum = (f: (e: EndpointView) => number) => list.reduce((n, e) => n + f(e), 0);
    return {
      ...worst,
      retry_after_ms: Math.max(...list.map((e) => e.retry_after_ms)),
      requests: sum((e) => e.requests),
      failures: sum((e) => e.failures),
      failing_hosts: Math.max(...list.map((e) => e.failing_hosts)),
      refused: sum((e) => e.refused),
    };
  });
}

function mergeHost(views: HostView[]): HostView {
  const worst = views.reduce((a, b) => (SEVERITY[b.state] > SEVERITY[a.state] ? b : a));
  const breakers = views.map((v) => v.breaker).filter((b) => b !== null);
  const breaker = breakers.length
    ? breakers.reduce((a, b) => (BREAKER_SEVERITY[b.state] > BREAKER_SEVERITY[a.state] ? b : a))
    : null;
  const latencies = views.map((v) => v.latency_ewma_ms).filter((l) => l > 0);
  const ejectedUntil = views
    .map((v) => v.ejected_until)
    .filter((t) => t !== null)
    .sort();
  return {
    ...worst,
    healthy: views.every((v) => v.healthy),
    ejected: views.some((v) => v.ejected),
    ejected_until: ejectedUntil.at(-1) ?? null,
    ejections: views.reduce((n, v) => n + v.ejections, 0),
    breaker: breaker
      ? { ...breaker, retry_after_ms: Math.max(...breakers.map((b) => b.retry_after_ms)) }
      : null,
    slow_start: views.some((v) => v.slow_start),
    in_flight: views.reduce((n, v) => n + v.in_flight, 0),
    latency_ewma_ms: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0,
    effective_weight: Math.min(...views.map((v) => v.effective_weight)),
  };
}
