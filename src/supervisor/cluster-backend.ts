/**
 * The admin backend of the supervisor's primary: every view is assembled by asking the workers
 * over IPC (bounded by a timeout, so one stuck worker cannot hang the admin API).
 *
 * GET /api/v1/pools keeps its single-process shape (PoolView[], merged by mergePools) so the
 * dashboard reads one shape; GET /api/v1/workers gives each worker's own view.
 */
import type { ConfigInfo, ReadyBody, ReadyCheck, ReloadResponse, WorkerView } from '../admin/api-types.js';
import type { AdminBackend } from '../admin/routes.js';
import type { Config } from '../config/types.js';
import { mergePools } from './merge.js';
import type { WorkerSlot } from './slot.js';

export interface ClusterBackendDeps {
  slots: readonly WorkerSlot[];
  state: { config: Config; version: string; loadedAt: number; shuttingDown: boolean };
  configPath: string;
  timeoutMs: number;
  reload(raw: unknown): Promise<ReloadResponse>;
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
      const checks: Record<string, ReadyCheck> = {
        config: { status: 'pass', output: `version ${d.state.version}` },
        draining: d.state.shuttingDown ? { status: 'fail', output: 'shutting down' } : { status: 'pass' },
      };
      const slots = live();
      const answers = await Promise.allSettled(slots.map((s) => s.rpc!.call({ kind: 'ready' }, d.timeoutMs)));
      answers.forEach((r, i) => {
        checks[`worker:${slots[i]!.id}`] =
          r.status === 'fulfilled'
            ? { status: r.value.status, output: failing(r.value) }
            : { status: 'fail', output: (r.reason as Error).message };
      });
      if (slots.length === 0) checks.workers = { status: 'fail', output: 'no worker is up' };
      const pass = Object.values(checks).every((c) => c.status === 'pass');
      return { status: pass ? 'pass' : 'fail', checks };
    },
    reload: d.reload,
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

function failing(r: ReadyBody): string {
  const bad = Object.entries(r.checks).filter(([, c]) => c.status === 'fail');
  return bad.length ? bad.map(([k, c]) => `${k}: ${c.output ?? 'fail'}`).join('; ') : 'ready';
}
