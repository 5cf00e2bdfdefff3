/**
 * What the cluster primary asks a worker, what each answer is, and how a worker's app answers.
 * The primary's admin surface and SLO engine are built from these answers; carrying them (the
 * node:cluster channel, request ids, timeouts) is the supervisor's (src/supervisor/messages.ts).
 */
import type { ReadyBody, ReloadResponse, RouteView } from '../admin/api-types.js';
import type { HandoffInputs } from '../admin/handoff/types.js';
import type { Config } from '../config/types.js';
import type { PurgeRequest, PurgeResult } from '../proxy/cache/purge.js';
import type { ListenerTlsView } from '../proxy/tls/view.js';
import type { PoolView } from '../proxy/upstream/types.js';
import type { MetricsJson } from '../telemetry/metrics/index.js';
import type { SeriesRaw } from '../telemetry/series.js';
import type { App } from './app.js';
import type { ReloadSource } from './reload.js';
import type { RoutePolicy, SloEngineState } from './slo-host.js';

export type WorkerOp =
  | { kind: 'pools' }
  | { kind: 'routes' }
  | { kind: 'tls' }
  | { kind: 'ready' }
  | { kind: 'reload'; config: Config; version: string; source: ReloadSource }
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
  tls: ListenerTlsView[];
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

/** One worker as the primary sees it: a slot that keeps its number across restarts. */
export interface WorkerHandle {
  readonly id: number;
  /** Forked and listening: it answers ops. */
  readonly live: boolean;
  /** 0 while no process fills the slot. */
  readonly pid: number;
  readonly upSince: number | null;
  readonly restarts: number;
  /** The config version it serves: set when it listens and after each reload it applied. */
  version: string | null;
  /** Rejects when the worker does not answer within `timeoutMs`, or is not running. */
  ask<K extends WorkerOp['kind']>(
    op: Extract<WorkerOp, { kind: K }>,
    timeoutMs: number,
  ): Promise<OpResults[K]>;
}

/** The worker's side: every op is answered from its own app. */
export async function answerOp(app: App, op: WorkerOp): Promise<OpResults[WorkerOp['kind']]> {
  switch (op.kind) {
    case 'pools':
      return app.gateway.pools();
    case 'routes':
      return app.gateway.routes();
    case 'tls':
      return app.gateway.tls();
    case 'ready':
      return app.backend.readiness();
    case 'reload':
      return app.apply({ ok: true, config: op.config, version: op.version }, op.source);
    case 'drain':
      return app.shutdown('supervisor drain');
    case 'metrics':
      return { pid: process.pid, metrics: app.metrics ? await app.metrics.json() : [] };
    case 'handoff-inputs':
      return app.handoff.inputs();
    case 'series':
      return app.series.raw(Date.now(), op.minutes);
    case 'slo-delta':
      return app.slo.takeDelta();
    case 'slo-policy':
      app.gateway.setRoutePolicies(new Map(op.policies));
      return true;
    case 'cache-purge':
      return app.backend.cachePurge ? app.backend.cachePurge(op.req) : { purged: 0 };
  }
}
