/**
 * The JSON shapes of the admin API: the only types the dashboard shares with the server
 * (docs/architecture.md, "Rooms": admin/ and dashboard/). Plain data, JSON-safe.
 */
import type { ConfigProblem, RouteMatch } from '../config/types.js';
import type { PoolView } from '../proxy/upstream/types.js';

export type { EndpointView, HostView, PoolView } from '../proxy/upstream/types.js';
/** GET /api/v1/series (the dashboard's charts): RED per route and per pool at a 2 s step. */
export type { RedSeries, SeriesResponse } from '../telemetry/series.js';

/** Health statuses of draft-inadarei-api-health-check §3.1: warn is healthy with a concern. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** GET /healthz body (application/health+json, draft-inadarei-api-health-check). */
export interface HealthBody {
  status: 'pass';
}

/** One entry of a check (draft-inadarei-api-health-check §4): one component, one measurement. */
export interface ReadyCheck {
  componentType: 'pool' | 'component' | 'system';
  /** Which instance measured it: `worker-<id>` under the supervisor. */
  componentId?: string;
  status: HealthStatus;
  observedValue: number | boolean | string;
  observedUnit?: string;
  /** ISO time of the observation. */
  time: string;
  /** Human-readable, e.g. "0/3 hosts available". */
  output?: string;
}

/**
 * GET /readyz body. `checks` keys: "pool:NAME", "config:loaded", "gateway:draining", and under
 * the supervisor "workers:up" (docs/observability.md, Health).
 */
export interface ReadyBody {
  status: HealthStatus;
  /** Keel's version. */
  version: string;
  /** The config version being served. */
  releaseId: string;
  checks: Record<string, ReadyCheck[]>;
}

export interface RouteView {
  name: string;
  pool: string;
  match: RouteMatch;
}

export type ConfigSource = 'file' | 'api' | 'demo' | 'inline';

export interface ConfigInfo {
  version: string;
  loaded_at: string; // ISO time of the last successful load or reload
  /** Where the serving config came from: the file, the API's body (a posted reload), the demo's own, or code. */
  source: ConfigSource;
  path: string | null;
}

/** What changed between the old and new config (diffConfig). */
export interface ConfigChanges {
  pools: { added: string[]; removed: string[]; changed: string[] };
  routesChanged: boolean;
  listenersChanged: boolean;
  adminChanged: boolean;
}

export type ReloadResponse =
  | { ok: true; version: string; changes: ConfigChanges | null }
  | { ok: false; problems: ConfigProblem[] };

/** One worker's view in GET /api/v1/workers (`keel run --workers N`, N > 1). */
export interface WorkerView {
  id: number;
  pid: number;
  up_since: string | null;
  restarts: number;
  version: string | null;
  pools: PoolView[] | null; // null when the worker did not answer in time
  error?: string;
}

export interface WorkersResponse {
  workers: WorkerView[];
}

export interface DemoFault {
  mode: 'ok' | 'down' | 'slow' | 'errors';
  latency_ms: number;
  error_rate: number;
  /** Only paths under this prefix meet the fault (one broken endpoint); absent = the whole host. */
  path_prefix?: string;
}

export interface DemoUpstreamInfo {
  name: string;
  url: string;
  port: number;
  fault: DemoFault;
  requests: number;
}

/** Every admin error answer. Admin-only codes (not_found, …) are not KEEL_ERR_* request errors. */
export interface ErrorBody {
  error: { code: string; message: string; fix: string };
}
