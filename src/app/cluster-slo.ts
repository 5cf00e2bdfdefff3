/**
 * The SLO runtime on the cluster primary (docs/slo-runtime.md "Persistence and workers"): every
 * worker records its own requests; before each evaluation the primary pulls each live worker's
 * counts since the last pull (`slo-delta`) and adds them into its own engine, which is the only
 * one that evaluates, persists, publishes `slo.alert` and decides the budget policy — so an alert
 * fires once, not once per worker. The policy goes back to every worker (`slo-policy`) when it
 * changes and again with every pull, so a restarted worker gets it within one interval.
 */
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Logger } from '../telemetry/logging.js';
import { type RoutePolicy, type SloEngineState, SloHost } from './slo-host.js';
import type { AppState } from './state.js';
import type { WorkerHandle } from './worker-ops.js';

export function clusterSloHost(d: {
  workers: readonly WorkerHandle[];
  state: AppState;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
  timeoutMs: number;
}): SloHost {
  let policies: Array<[string, RoutePolicy]> = [];
  const live = () => d.workers.filter((w) => w.live);
  const push = () =>
    Promise.allSettled(live().map((w) => w.ask({ kind: 'slo-policy', policies }, d.timeoutMs)));
  return new SloHost({
    role: 'primary',
    bus: d.bus,
    logger: d.logger,
    clock: d.clock,
    routeNames: () => d.state.config.routes.map((r) => r.name),
    onPolicy: (p) => {
      policies = [...p];
      void push();
    },
    pull: async (): Promise<SloEngineState[]> => {
      if (policies.length > 0) void push();
      // A worker that does not answer in time keeps nothing back: its swap happens only when it
      // answers, and a late answer is dropped (those counts are lost, documented).
      const answers = await Promise.allSettled(live().map((w) => w.ask({ kind: 'slo-delta' }, d.timeoutMs)));
      return answers.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value] : []));
    },
  });
}
