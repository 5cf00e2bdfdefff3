/**
 * GET /metrics on the cluster primary: every live worker is asked for its registry over IPC
 * (bounded by the RPC timeout), and the answers are summed with the primary's own series
 * (telemetry/metrics/cluster.ts explains what the sum means and how restarts keep counters whole).
 */
import type { EventBus } from '../core/events.js';
import {
  createPrimaryMetrics,
  type WorkerAnswer,
  WorkerMetricsAggregator,
} from '../telemetry/metrics/index.js';
import type { WorkerHandle } from './worker-ops.js';

export function clusterMetrics(
  workers: readonly WorkerHandle[],
  bus: EventBus,
  version: () => string,
  timeoutMs: number,
): () => Promise<string> {
  const primary = createPrimaryMetrics(bus, version);
  const aggregator = new WorkerMetricsAggregator();
  return async () => {
    const live = workers.filter((w) => w.live);
    const answers = await Promise.allSettled(live.map((w) => w.ask({ kind: 'metrics' }, timeoutMs)));
    const ok: WorkerAnswer[] = answers.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ slot: live[i]!.id, pid: r.value.pid, metrics: r.value.metrics }] : [],
    );
    return aggregator.text(ok, await primary.json());
  };
}
