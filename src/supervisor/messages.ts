/**
 * The IPC protocol between the supervisor's primary and its workers (node:cluster channel,
 * JSON-serialised). Every request carries an id; the worker answers with the same id.
 */
import type { ReadyBody, ReloadResponse, RouteView } from '../admin/api-types.js';
import type { HandoffInputs } from '../admin/handoff/types.js';
import type { RoutePolicy, SloEngineState } from '../app/slo-host.js';
import type { Config } from '../config/types.js';
import type { PurgeRequest, PurgeResult } from '../proxy/cache/purge.js';
import type { PoolView } from '../proxy/upstream/types.js';
import type { MetricsJson } from '../telemetry/metrics/index.js';
import type { SeriesRaw } from '../telemetry/series.js';

/** Primary -> worker. */
export type ToWorker =
  | { type: 'start'; slot: number; config: Config; version: string }
  | { type: 'request'; id: number; op: WorkerOp };

export type WorkerOp =
  | { kind: 'pools' }
  | { kind: 'routes' }
  | { kind: 'ready' }
  | { kind: 'reload'; config: Config; version: string; source: 'sighup' | 'api' }
  | { kind: 'drain' }
  | { kind: 'metrics' }
  | { kind: 'handoff-inputs' }
  /** The dashboard's raw RED series of the last `minutes` (telemetry/series.ts). */
  | { kind: 'series'; minutes: number }
  /** The SLO counts recorded since the last call (the worker starts over from zero). */
  | { kind: 'slo-delta' }
  /** The budget policy per route, decided by the primary (docs/slo-runtime.md). */
  | { kind: 'slo-policy'; policies: Array<[string, RoutePolicy]> }
  /** Edge-cache purge, sent to every worker (each has its own memory tier). */
  | { kind: 'cache-purge'; req: PurgeRequest };

/** What each op answers with. */
export interface OpResults {
  pools: PoolView[];
  routes: RouteView[];
  ready: ReadyBody;
  reload: ReloadResponse;
  drain: { drained: boolean; remaining: number };
  /** The worker's registry as JSON (empty when metrics are off); pid tells restarts apart. */
  metrics: { pid: number; metrics: MetricsJson };
  'handoff-inputs': HandoffInputs;
  series: SeriesRaw;
  'slo-delta': SloEngineState | null;
  'slo-policy': true;
  'cache-purge': PurgeResult;
}

/** Worker -> primary. */
export type FromWorker =
  | { type: 'hello' }
  | { type: 'listening'; version: string; listeners: Array<{ name: string; host: string; port: number }> }
  | { type: 'start_failed'; message: string }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
