/**
 * GET /handoff on the cluster primary: ask every live worker for its handoff inputs over IPC
 * (bounded by the RPC timeout) and merge them (admin/handoff/merge.ts). Config reloads that the
 * primary rejected never reach a worker, so the primary keeps its own ring of config.reload
 * changes and merges it in.
 */
import { mergeHandoffInputs } from '../admin/handoff/merge.js';
import type { FiringAlert, HandoffInputs, PolicyActionView } from '../admin/handoff/types.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { ChangeRing, subscribeChanges } from '../telemetry/changes.js';
import { mergePools } from './merge-pools.js';
import type { AppState } from './state.js';
import type { WorkerHandle } from './worker-ops.js';

export function clusterHandoffInputs(
  workers: readonly WorkerHandle[],
  state: AppState,
  bus: EventBus,
  timeoutMs: number,
  clock: Clock,
  /** The primary's SLO alerts and budget policy (workers evaluate none: cluster-slo.ts). */
  slo?: { alerts(): FiringAlert[]; policyActions(): PolicyActionView[] },
): () => Promise<HandoffInputs> {
  const own = new ChangeRing(100);
  subscribeChanges(bus, own, clock); // lives as long as the primary
  return async () => {
    const live = workers.filter((w) => w.live);
    const answers = await Promise.allSettled(live.map((w) => w.ask({ kind: 'handoff-inputs' }, timeoutMs)));
    const perWorker = answers.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ id: live[i]!.id, inputs: r.value }] : [],
    );
    const merged = mergeHandoffInputs(
      perWorker,
      {
        now: clock.now(),
        config_version: state.version,
        draining: state.shuttingDown,
        optional_pools: Object.values(state.config.pools)
          .filter((p) => p.optional)
          .map((p) => p.name),
        changes: own.list(),
      },
      mergePools,
    );
    if (slo) {
      merged.alerts = [...merged.alerts, ...slo.alerts()];
      merged.policy_actions = slo.policyActions();
    }
    return merged;
  };
}
