/**
 * One worker slot (1..N): the slot keeps its number across restarts, so logs and
 * GET /api/v1/workers name "worker 2" whichever process currently fills it.
 */
import type { Worker } from 'node:cluster';
import type { OpResults, WorkerHandle, WorkerOp } from '../app/worker-ops.js';
import type { Clock } from '../core/clock.js';
import { isFromWorker } from './messages.js';
import { RestartBackoff, type RestartBackoffOptions } from './restart-backoff.js';
import { WorkerRpc } from './rpc.js';

export type SlotEvent =
  | { kind: 'hello' }
  | { kind: 'listening'; version: string }
  | { kind: 'start_failed'; message: string };

export class WorkerSlot implements WorkerHandle {
  readonly id: number;
  readonly backoff: RestartBackoff;
  worker: Worker | null = null;
  rpc: WorkerRpc | null = null;
  restarts = 0;
  upSince: number | null = null;
  version: string | null = null;
  restartTimer: NodeJS.Timeout | null = null;

  constructor(id: number, backoff: RestartBackoffOptions, clock: Clock) {
    this.id = id;
    this.backoff = new RestartBackoff(backoff, clock);
  }

  get live(): boolean {
    return this.worker !== null && this.upSince !== null;
  }

  get pid(): number {
    return this.worker?.process.pid ?? 0;
  }

  ask<K extends WorkerOp['kind']>(
    op: Extract<WorkerOp, { kind: K }>,
    timeoutMs: number,
  ): Promise<OpResults[K]> {
    if (!this.rpc) return Promise.reject(new Error(`worker ${this.id} is not running`));
    return this.rpc.call(op, timeoutMs);
  }

  attach(worker: Worker, onEvent: (e: SlotEvent) => void): void {
    this.worker = worker;
    const rpc = new WorkerRpc({ send: (m, cb) => worker.send(m as object, undefined, cb) });
    this.rpc = rpc;
    // The IPC channel can fail after the worker dies; 'exit' drives the restart, so only keep
    // the error from becoming an uncaught exception in the primary.
    worker.on('error', (err: Error) => rpc.failAll(`worker IPC error: ${err.message}`));
    worker.on('message', (m: unknown) => {
      if (!isFromWorker(m)) return;
      switch (m.type) {
        case 'response':
          rpc.answer(m.id, m.ok, m.ok ? m.result : m.error);
          return;
        case 'hello':
          onEvent({ kind: 'hello' });
          return;
        case 'listening':
          onEvent({ kind: 'listening', version: m.version });
          return;
        case 'start_failed':
          onEvent({ kind: 'start_failed', message: m.message });
          return;
      }
    });
  }

  detach(reason: string): void {
    this.rpc?.failAll(reason);
    this.worker = null;
    this.rpc = null;
    this.upSince = null;
  }
}
