/**
 * The admin surface: one function turns a backend — the gateway in this process, or the cluster
 * primary asking its workers over IPC — into the admin server with every route, so the list of
 * admin routes exists once (docs/operations.md, "The admin API"). A new view is one more field
 * of Backend, answered by both backends, and one more route here.
 */

import { dashboardRoutes } from '../admin/dashboard-route.js';
import { handoffRoute } from '../admin/handoff/route.js';
import type { HandoffInputs } from '../admin/handoff/types.js';
import type { AdminBackend, AdminRoute } from '../admin/routes.js';
import { seriesRoute } from '../admin/series-route.js';
import { createAdminServer } from '../admin/server.js';
import { sloRoute } from '../admin/slo-route.js';
import {
  adminTokenPath,
  generateAdminToken,
  removeAdminToken,
  writeAdminToken,
} from '../admin/token-file.js';
import type { Logger } from '../telemetry/logging.js';
import { metricsRoute } from '../telemetry/metrics/index.js';
import type { SeriesRaw } from '../telemetry/series.js';
import type { SloHost } from './slo-host.js';
import type { AppState } from './state.js';
import type { Teardown } from './teardown.js';

/** What the admin surface reads. */
export interface Backend {
  /** The core API (admin/routes.ts): health, readiness, pools, routes, config, reload, purge. */
  readonly api: AdminBackend;
  /** GET /handoff's live inputs (docs/handoff.md). */
  handoff(): HandoffInputs | Promise<HandoffInputs>;
  /** GET /api/v1/series: the dashboard's raw RED series of the last `minutes`. */
  series(minutes: number): SeriesRaw | Promise<SeriesRaw>;
  /** GET /metrics in the text exposition format; null when telemetry.metrics is off (no route). */
  readonly metrics: (() => Promise<string>) | null;
}

export interface AdminSurfaceDeps {
  /** Host, port and token come from the startup config: admin changes apply on restart. */
  state: AppState;
  backend: Backend;
  /** The SLO engine that evaluates here (the primary's under the supervisor). */
  slo: SloHost;
  logger: Logger;
  teardown: Teardown;
}

/** Where the admin server listens, and the token that changes the gateway. */
export interface AdminAddress {
  host: string;
  port: number;
  /** admin.token, or the one generated at start (docs/security.md, "The admin token"). */
  token: string;
  /** The file a generated token was written to; null when the config set the token. */
  tokenFile: string | null;
}

export interface AdminSurface {
  listen(): Promise<AdminAddress>;
}

/** Builds the server (listening only on listen()) and registers its close. */
export function adminSurface(d: AdminSurfaceDeps): AdminSurface {
  const { backend, slo, state } = d;
  const routes: AdminRoute[] = [
    handoffRoute(
      () => backend.handoff(),
      () => state.config.telemetry.scaling,
    ),
    ...(backend.metrics ? [metricsRoute(backend.metrics)] : []),
    sloRoute(() => ({ slos: slo.status(), policy_actions: slo.actions() })),
    seriesRoute((minutes) => backend.series(minutes)),
    ...dashboardRoutes(),
  ];
  const a = state.config.admin;
  // No token in the config: every change still needs one, generated here and handed to the
  // operator's tools in a file only this user can read (docs/security.md, "The admin token").
  const generated = a.token === null ? generateAdminToken() : null;
  const token = a.token ?? generated!;
  let tokenFile: string | null = null;
  const server = createAdminServer({
    host: a.host,
    port: a.port,
    token,
    ...(generated === null ? {} : { tokenSource: () => tokenFile ?? 'the admin token file' }),
    allowedHosts: a.allowed_hosts,
    backend: backend.api,
    routes,
    onError: (err) =>
      d.logger.error({ event: 'admin.error', err, reason: 'handler_threw' }, 'admin handler failed'),
  });
  d.teardown.onClose('admin', () => server.close());
  return {
    listen: async () => {
      const addr = await server.listen();
      if (generated !== null) {
        const file = a.token_file ?? adminTokenPath(addr.port);
        try {
          writeAdminToken(file, generated);
        } catch (err) {
          throw new Error(
            `cannot write the admin token file ${file} (${(err as Error).message}); ` +
              'fix: set admin.token (e.g. from an environment variable), admin.token_file, or KEEL_RUNTIME_DIR to a writable directory',
          );
        }
        tokenFile = file;
        d.teardown.onClose('admin-token', () => removeAdminToken(file, generated));
      }
      return { ...addr, token, tokenFile };
    },
  };
}
