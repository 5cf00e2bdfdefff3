/**
 * GET /metrics on the supervisor's primary: every live worker is asked for its registry over
 * IPC (bounded by the RPC timeout), and the answers are summed with the primary's own series
 * (telemetry/metrics/cluster.ts explains what the sum means and how restarts keep counters whole).
 */
import type { EventBus } from '../core/events.js';
import {
  createPrimaryMetrics,
  type MetricsRoute,
  metricsRoute,
  type WorkerAnswer,
  WorkerMetricsAggregator,
} from '../telemetry/metrics/index.js';
import type { WorkerSlot } from './slot.js';

export function clusterMetricsRoute(
  slots: readonly WorkerSlot[],
  bus: EventBus,
  version: () => string,
  timeoutMs: number,
): MetricsRoute {
  const primary = createPrimaryMetrics(bus, version);
  const aggregator = new WorkerMetricsAggregator();
  return metricsRoute(async () => {
    const live = slots.filter((s) => s.live && s.rpc);
    const answers = await Promise.allSettled(live.map((s) => s.rpc!.call({ kind: 'metrics' }, timeoutMs)));
    const ok: WorkerAnswer[] = answers.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ slot: live[i]!.id, pid: r.value.pid, metrics: r.value.metrics }] : [],
    );
    return aggregator.text(ok, await primary.json());
  });
}
