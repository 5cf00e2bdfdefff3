/** The admin API's backend for one in-process gateway: read-only views plus reload and demo control. */
import type { ConfigInfo, ReadyBody, ReloadResponse } from '../admin/api-types.js';
import { deriveReadiness } from '../admin/health.js';
import { keelVersion } from '../admin/keel-version.js';
import type { AdminBackend, DemoControl } from '../admin/routes.js';
import { systemClock } from '../core/clock.js';
import { purge } from '../proxy/cache/purge.js';
import type { Gateway } from '../proxy/gateway.js';
import type { AppState } from './state.js';

export function createBackend(deps: {
  gateway: Gateway;
  state: AppState;
  configPath: string | null;
  demo: DemoControl | null;
  reload: (raw: unknown, fix?: boolean) => Promise<ReloadResponse>;
}): AdminBackend {
  const { gateway, state } = deps;
  return {
    pools: () => gateway.pools(),
    routes: () => gateway.routes(),
    config: (): ConfigInfo => ({
      version: state.version,
      loaded_at: new Date(state.loadedAt).toISOString(),
      source: state.source,
      path: deps.configPath,
    }),
    readiness: () => readiness(gateway, state),
    reload: deps.reload,
    demo: deps.demo,
    cachePurge: (req) => purge(gateway.cache(), req),
    tls: () => gateway.tls(),
  };
}

/** Ready = not draining, a config loaded, every required pool has an available host (admin/health.ts). */
export function readiness(gateway: Gateway, state: AppState): ReadyBody {
  return deriveReadiness({
    version: keelVersion(),
    releaseId: state.version,
    configLoaded: true, // the backend exists only once a config was validated and applied
    draining: state.shuttingDown || gateway.draining,
    pools: gateway.pools().map((p) => ({
      name: p.name,
      available: p.available,
      total: p.total,
      optional: state.config.pools[p.name]?.optional ?? false,
    })),
    now: systemClock.now(),
  });
}
