/**
 * The IPC protocol between the supervisor's primary and its workers (node:cluster channel,
 * JSON-serialised). Every request carries an id; the worker answers with the same id.
 */
import type { ReadyBody, ReloadResponse, RouteView } from '../admin/api-types.js';
import type { Config } from '../config/types.js';
import type { PoolView } from '../proxy/upstream/types.js';

/** Primary -> worker. */
export type ToWorker =
  | { type: 'start'; slot: number; config: Config; version: string }
  | { type: 'request'; id: number; op: WorkerOp };

export type WorkerOp =
  | { kind: 'pools' }
  | { kind: 'routes' }
  | { kind: 'ready' }
  | { kind: 'reload'; config: Config; version: string; source: 'sighup' | 'api' }
  | { kind: 'drain' };

/** What each op answers with. */
export interface OpResults {
  pools: PoolView[];
  routes: RouteView[];
  ready: ReadyBody;
  reload: ReloadResponse;
  drain: { drained: boolean; remaining: number };
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
