/** Request/response over a worker's IPC channel, with an id and a timeout per call. */
import type { OpResults, WorkerOp } from '../app/worker-ops.js';

export interface IpcPeer {
  /** With a callback, a send on a closed channel (EPIPE) reports there instead of emitting 'error'. */
  send(message: unknown, callback: (err: Error | null) => void): boolean;
}

export class WorkerRpc {
  readonly #peer: IpcPeer;
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();

  constructor(peer: IpcPeer) {
    this.#peer = peer;
  }

  call<K extends WorkerOp['kind']>(
    op: Extract<WorkerOp, { kind: K }>,
    timeoutMs: number,
  ): Promise<OpResults[K]> {
    const id = this.#nextId++;
    return new Promise<OpResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`worker did not answer "${op.kind}" within ${timeoutMs}ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      // A worker can die between the liveness check and the send: that must fail this call, not
      // crash the primary with an unhandled EPIPE (seen when a worker is killed mid-scrape).
      const unreachable = (err: Error) => this.#settle(id, new Error(`cannot reach worker: ${err.message}`));
      try {
        this.#peer.send({ type: 'request', id, op }, (err) => {
          if (err) unreachable(err);
        });
      } catch (err) {
        this.#settle(id, new Error(`cannot reach worker: ${(err as Error).message}`));
      }
    });
  }

  /** Feed a { type: 'response' } message from the worker. */
  answer(id: number, ok: boolean, value: unknown): void {
    this.#settle(id, ok ? undefined : new Error(String(value)), value);
  }

  /** The worker is gone: fail everything still waiting. */
  failAll(reason: string): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, new Error(reason));
  }

  #settle(id: number, err: Error | undefined, value?: unknown): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(value);
  }
}
