/**
 * `current_load`: the most loaded of the gateway's resources against its capacity (docs/handoff.md).
 * CPU is a percentage of one core (one worker is one event loop on one core), event-loop
 * utilisation a share of wall time, and each limited pool its in-flight requests against
 * concurrency.max_in_flight. Unlimited pools (limit 0) have no capacity to compare with.
 */
import type { HandoffDetails, HandoffInputs } from './types.js';

export function deriveLoad(i: HandoffInputs): { percent: number; details: HandoffDetails['load'] } {
  const candidates: Array<[string, number]> = [
    ['cpu', i.load.cpu_percent],
    ['event_loop', i.load.event_loop_utilization_percent],
  ];
  const pools: HandoffDetails['load']['pools'] = {};
  for (const c of i.concurrency) {
    const percent = c.limit > 0 ? Math.round((c.in_flight / c.limit) * 1000) / 10 : null;
    pools[c.pool] = { in_flight: c.in_flight, limit: c.limit, percent };
    if (percent !== null) candidates.push([`pool:${c.pool}`, percent]);
  }
  // The first of equal maxima wins, so ties name the process resource before a pool.
  let [maxResource, max] = candidates[0]!;
  for (const [name, v] of candidates) if (v > max) [maxResource, max] = [name, v];
  return {
    percent: Math.max(0, Math.round(max)),
    details: {
      cpu_percent: i.load.cpu_percent,
      event_loop_utilization_percent: i.load.event_loop_utilization_percent,
      event_loop_delay_p99_ms: i.load.event_loop_delay_p99_ms,
      pools,
      max_resource: maxResource,
      window_ms: i.load.window_ms,
    },
  };
}
