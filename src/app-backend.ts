/** The admin backend for one in-process gateway: read-only views plus reload and demo control. */
import type { ConfigInfo, ReadyBody, ReadyCheck, ReloadResponse } from './admin/api-types.js';
import type { AdminBackend, DemoControl } from './admin/routes.js';
import type { Config } from './config/types.js';
import type { Gateway } from './proxy/gateway.js';

export interface BackendState {
  config: Config;
  version: string;
  loadedAt: number;
  shuttingDown: boolean;
}

export function createBackend(deps: {
  gateway: Gateway;
  state: BackendState;
  configPath: string | null;
  demo: DemoControl | null;
  reload: (raw: unknown) => Promise<ReloadResponse>;
}): AdminBackend {
  const { gateway, state } = deps;
  return {
    pools: () => gateway.pools(),
    routes: () => gateway.routes(),
    config: (): ConfigInfo => ({
      version: state.version,
      loaded_at: new Date(state.loadedAt).toISOString(),
      source: deps.demo ? 'demo' : deps.configPath ? 'file' : 'inline',
      path: deps.configPath,
    }),
    readiness: () => readiness(gateway, state),
    reload: deps.reload,
    demo: deps.demo,
  };
}

/** Ready = not draining, a config loaded, and every pool has at least one available host. */
export function readiness(gateway: Gateway, state: BackendState): ReadyBody {
  const draining = state.shuttingDown || gateway.draining;
  const checks: Record<string, ReadyCheck> = {
    config: { status: 'pass', output: `version ${state.version}` },
    draining: draining ? { status: 'fail', output: 'shutting down' } : { status: 'pass' },
  };
  for (const p of gateway.pools()) {
    checks[`pool:${p.name}`] = {
      status: p.available > 0 ? 'pass' : 'fail',
      available: p.available,
      total: p.total,
      output: `${p.available}/${p.total} hosts available`,
    };
  }
  const pass = Object.values(checks).every((c) => c.status === 'pass');
  return { status: pass ? 'pass' : 'fail', checks };
}
