import type { Host } from './host.js';
import type { HostView } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The admin view of one host. `state` is the single most important fact, by precedence:
 * breaker_open > ejected > unhealthy > breaker_half_open > slow_start > healthy (docs/health.md).
 */
export function hostView(h: Host): HostView {
  const b = h.breaker;
  // Reading the state may move an expired OPEN breaker to HALF_OPEN: the view never shows stale OPEN.
  const s = b === null ? null : b.state;
  const slowStart = h.inSlowStart;
  let state: HostView['state'];
  if (s?.kind === 'open') state = 'breaker_open';
  else if (h.ejected) state = 'ejected';
  else if (!h.healthy) state = 'unhealthy';
  else if (s?.kind === 'half_open') state = 'breaker_half_open';
  else if (slowStart) state = 'slow_start';
  else state = 'healthy';
  return {
    name: h.name,
    origin: h.origin,
    weight: h.configWeight,
    effective_weight: h.weight,
    healthy: h.healthy,
    ejected: h.ejected,
    ejected_until: h.ejected ? iso(h.ejectedUntil) : null,
    ejections: h.ejections,
    breaker:
      b === null || s === null
        ? null
        : {
            state: s.kind,
            opened_at: s.kind === 'open' ? iso(s.openedAt) : null,
            retry_after_ms: b.retryAfterMs(),
          },
    slow_start: slowStart,
    in_flight: h.inFlight,
    latency_ewma_ms: h.latencyEwma,
    state,
  };
}
