/**
 * The admin backend of the supervisor's primary: every view is assembled by asking the workers
 * over IPC (bounded by a timeout, so one stuck worker cannot hang the admin API).
 *
 * GET /api/v1/pools keeps its single-process shape (PoolView[], merged by mergePools) so the
 * dashboard reads one shape; GET /api/v1/workers gives each worker's own view.
 */
import type { ConfigInfo, ReadyBody, ReloadResponse, WorkerView } from '../admin/api-types.js';
import { mergeReadiness, type WorkerReadiness } from '../admin/health-merge.js';
import { keelVersion } from '../admin/keel-version.js';
import type { AdminBackend } from '../admin/routes.js';
import type { Config } from '../config/types.js';
import { mergePools } from './merge.js';
import type { WorkerSlot } from './slot.js';

export interface ClusterBackendDeps {
  slots: readonly WorkerSlot[];
  state: { config: Config; version: string; loadedAt: number; shuttingDown: boolean };
  configPath: string;
  timeoutMs: number;
  reload(raw: unknown, fix?: boolean): Promise<ReloadResponse>;
}

export function clusterBackend(d: ClusterBackendDeps): AdminBackend {
  const live = () => d.slots.filter((s) => s.live && s.rpc);
  const askPools = () => Promise.allSettled(live().map((s) => s.rpc!.call({ kind: 'pools' }, d.timeoutMs)));
  return {
    pools: async () =>
      mergePools((await askPools()).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))),
    routes: async () => {
      const first = live()[0];
      return first ? first.rpc!.call({ kind: 'routes' }, d.timeoutMs) : [];
    },
    config: (): ConfigInfo => ({
      version: d.state.version,
      loaded_at: new Date(d.state.loadedAt).toISOString(),
      source: 'file',
      path: d.configPath,
    }),
    readiness: async (): Promise<ReadyBody> => {
      // Every slot is listed: a restarting one (not live) marks workers:up warn (admin/health-merge.ts).
      const answers = await Promise.all(
        d.slots.map(async (s): Promise<WorkerReadiness> => {
          if (!s.live || !s.rpc) return { id: s.id, live: false, body: null };
          try {
            return { id: s.id, live: true, body: await s.rpc.call({ kind: 'ready' }, d.timeoutMs) };
          } catch (err) {
            return { id: s.id, live: true, body: null, error: (err as Error).message };
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
    },
    reload: d.reload,
    cachePurge: async (req) => {
      // Each worker has its own memory tier; a shared Redis tier answers the same count to
      // each, so the largest count is reported (like TieredStore).
      const answers = await Promise.all(
        live().map((s) => s.rpc!.call({ kind: 'cache-purge', req }, d.timeoutMs)),
      );
      return { purged: Math.max(0, ...answers.map((a) => a.purged)) };
    },
    workers: async () => {
      const answers = await Promise.all(
        d.slots.map(async (s): Promise<WorkerView> => {
          const base = {
            id: s.id,
            pid: s.worker?.process.pid ?? 0,
            up_since: s.upSince === null ? null : new Date(s.upSince).toISOString(),
            restarts: s.restarts,
            version: s.version,
          };
          if (!s.live || !s.rpc) return { ...base, pools: null, error: 'not running (restarting)' };
          try {
            return { ...base, pools: await s.rpc.call({ kind: 'pools' }, d.timeoutMs) };
          } catch (err) {
            return { ...base, pools: null, error: (err as Error).message };
          }
        }),
      );
      return { workers: answers };
    },
    demo: null,
  };
}
