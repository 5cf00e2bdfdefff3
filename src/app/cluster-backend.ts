/**
 * The admin surface's backend on the cluster primary: every view is assembled by asking the
 * workers over IPC (bounded by a timeout, so one stuck worker cannot hang the admin API).
 *
 * GET /api/v1/pools keeps its single-process shape (PoolView[], merged by mergePools) so the
 * dashboard reads one shape; GET /api/v1/workers gives each worker's own view.
 */
import type { ConfigInfo, ReadyBody, ReloadResponse, WorkerView } from '../admin/api-types.js';
import { mergeReadiness, type WorkerReadiness } from '../admin/health-merge.js';
import { keelVersion } from '../admin/keel-version.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Backend } from './admin-surface.js';
import { clusterHandoffInputs } from './cluster-handoff.js';
import { clusterMetrics } from './cluster-metrics.js';
import { clusterSeries } from './cluster-series.js';
import { mergePools } from './merge-pools.js';
import type { SloHost } from './slo-host.js';
import type { AppState } from './state.js';
import type { WorkerHandle } from './worker-ops.js';

export interface ClusterBackendDeps {
  workers: readonly WorkerHandle[];
  state: AppState;
  configPath: string;
  bus: EventBus;
  clock: Clock;
  slo: SloHost;
  timeoutMs: number;
  reload(raw: unknown, fix?: boolean): Promise<ReloadResponse>;
}

export function clusterBackend(d: ClusterBackendDeps): Backend {
  const { workers, timeoutMs } = d;
  const live = () => workers.filter((w) => w.live);
  const askPools = () => Promise.allSettled(live().map((w) => w.ask({ kind: 'pools' }, timeoutMs)));
  return {
    api: {
      pools: async () =>
        mergePools((await askPools()).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))),
      routes: async () => {
        const first = live()[0];
        return first ? first.ask({ kind: 'routes' }, timeoutMs) : [];
      },
      // Every worker reads the same certificate files: one worker's view is the group's.
      tls: async () => {
        const first = live()[0];
        return first ? first.ask({ kind: 'tls' }, timeoutMs) : [];
      },
      config: (): ConfigInfo => ({
        version: d.state.version,
        loaded_at: new Date(d.state.loadedAt).toISOString(),
        source: d.state.source,
        path: d.configPath,
      }),
      readiness: () => readiness(d),
      reload: d.reload,
      cachePurge: async (req) => {
        // Each worker has its own memory tier; a shared Redis tier answers the same count to
        // each, so the largest count is reported (like TieredStore).
        const answers = await Promise.all(live().map((w) => w.ask({ kind: 'cache-purge', req }, timeoutMs)));
        return { purged: Math.max(0, ...answers.map((a) => a.purged)) };
      },
      workers: async () => ({ workers: await Promise.all(workers.map((w) => workerView(w, timeoutMs))) }),
      demo: null,
    },
    handoff: clusterHandoffInputs(workers, d.state, d.bus, timeoutMs, d.clock, {
      alerts: () => d.slo.alerts(),
      policyActions: () => d.slo.actions(),
    }),
    series: clusterSeries(workers, d.clock, timeoutMs),
    metrics: d.state.config.telemetry.metrics.enabled
      ? clusterMetrics(workers, d.bus, () => d.state.version, timeoutMs)
      : null,
  };
}

async function readiness(d: ClusterBackendDeps): Promise<ReadyBody> {
  // Every slot is listed: a restarting one (not live) marks workers:up warn (admin/health-merge.ts).
  const answers = await Promise.all(
    d.workers.map(async (w): Promise<WorkerReadiness> => {
      if (!w.live) return { id: w.id, live: false, body: null };
      try {
        return { id: w.id, live: true, body: await w.ask({ kind: 'ready' }, d.timeoutMs) };
      } catch (err) {
        return { id: w.id, live: true, body: null, error: (err as Error).message };
      }
    }),
  );
  const primary = {
    version: keelVersion(),
    releaseId: d.state.version,
    draining: d.state.shuttingDown,
    now: Date.now(),
  };
  return mergeReadiness(primary, answers);
}

async function workerView(w: WorkerHandle, timeoutMs: number): Promise<WorkerView> {
  const base = {
    id: w.id,
    pid: w.pid,
    up_since: w.upSince === null ? null : new Date(w.upSince).toISOString(),
    restarts: w.restarts,
    version: w.version,
  };
  if (!w.live) return { ...base, pools: null, error: 'not running (restarting)' };
  try {
    return { ...base, pools: await w.ask({ kind: 'pools' }, timeoutMs) };
  } catch (err) {
    return { ...base, pools: null, error: (err as Error).message };
  }
}
