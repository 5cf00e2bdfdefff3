/** Builders of handoff inputs for the unit tests: a healthy baseline, overridden per case. */
import type { HostView, PoolView } from '../../proxy/upstream/types.js';
import type { HandoffInputs } from './types.js';

export function host(name: string, o: Partial<HostView> = {}): HostView {
  return {
    name,
    origin: `http://127.0.0.1:1${name.length}`,
    weight: 1,
    effective_weight: 1,
    healthy: true,
    ejected: false,
    ejected_until: null,
    ejections: 0,
    breaker: { state: 'closed', opened_at: null, retry_after_ms: 0 },
    slow_start: false,
    in_flight: 0,
    latency_ewma_ms: 1,
    state: 'healthy',
    ...o,
  };
}

export const openBreaker = {
  state: 'open',
  opened_at: '2026-01-01T00:00:00.000Z',
  retry_after_ms: 5000,
} as const;

export function pool(name: string, hosts: HostView[], o: Partial<PoolView> = {}): PoolView {
  const available = hosts.filter((h) => h.healthy && !h.ejected && h.breaker?.state !== 'open').length;
  return {
    name,
    algorithm: 'round_robin',
    panic: false,
    available,
    total: hosts.length,
    in_flight: 0,
    queue_depth: 0,
    retry_budget: { active_requests: 0, active_retries: 0, max_retries: 10 },
    hosts,
    endpoints: [],
    ...o,
  };
}

export function inputs(o: Partial<HandoffInputs> = {}): HandoffInputs {
  return {
    now: Date.UTC(2026, 0, 1),
    config_version: 'v1',
    draining: false,
    workers: 1,
    pools: [pool('app', [host('a'), host('b'), host('c')])],
    optional_pools: [],
    concurrency: [{ pool: 'app', in_flight: 0, limit: 100 }],
    load: {
      cpu_percent: 10,
      event_loop_utilization_percent: 5,
      event_loop_delay_p99_ms: 11,
      window_ms: 10_000,
    },
    route_breakers: [],
    alerts: [],
    changes: [],
    traffic: null,
    ...o,
  };
}
