/**
 * The IPC envelope between the supervisor's primary and its workers (node:cluster channel,
 * JSON-serialised): the start handshake, and requests and responses matched by id. What a
 * request asks and what it answers is src/app/worker-ops.ts.
 */
import type { WorkerOp } from '../app/worker-ops.js';
import type { Config } from '../config/types.js';

/** Primary -> worker. */
export type ToWorker =
  | { type: 'start'; slot: number; config: Config; version: string }
  | { type: 'request'; id: number; op: WorkerOp };

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
