import type { RootDatabase, Transaction } from 'lmdb';

/**
 * How long a lookup's read snapshot is kept for the lookups after it (lmdb.ts, peek). Each new
 * snapshot costs a read of the store per hot entry, a snapshot renewal and timers; measured head to
 * head on one core (docs/benchmarks.md, "Machine store: what a hit costs"), 1 ms windows cost a
 * hit ~2.5 % against a process-local Map, 5 ms ones ~0.5 %. What it bounds: another worker's fill
 * is seen within about this long, and a delete waits about this long for the other workers
 * (lmdb-settle.ts).
 */
export const SNAPSHOT_MS = 5;

/**
 * A read snapshot pinned for SNAPSHOT_MS from the first read that needs one: a "window". Within a
 * window the store cannot change, so what a process read in it (an entry's stamp) holds for the
 * whole window; the pinned snapshot is in LMDB's reader table while the window lasts, so a delete
 * elsewhere settles only once no window that could still see the entry is open.
 */
export class ReadWindow {
  readonly #root: RootDatabase;
  #txn: Transaction | null = null;
  #end: NodeJS.Timeout | null = null;
  /** lmdb's read options for this window: `transaction` is its snapshot (null between windows). */
  readonly through: { transaction: Transaction | null } = { transaction: null };
  /** Numbers the windows: equal numbers, same snapshot. */
  id = 1;
  #closed = false;

  constructor(root: RootDatabase) {
    this.#root = root;
  }

  /** Opens a window unless one is open: lmdb's current snapshot, pinned until the window ends. */
  open(): void {
    if (this.#txn !== null || this.#closed) return;
    this.#end = setTimeout(this.close, SNAPSHOT_MS);
    this.#end.unref();
    const txn = this.#root.useReadTransaction();
    this.#txn = txn;
    this.through.transaction = txn;
  }

  /** Ends the window: its snapshot is let go, the next read sees the store afresh. */
  readonly close = (): void => {
    const txn = this.#txn;
    if (txn === null) return;
    this.#txn = null;
    this.through.transaction = null;
    this.id++;
    if (this.#end !== null) clearTimeout(this.#end);
    this.#end = null;
    txn.done();
    // Frees this process's reader slot now (a delete elsewhere settles sooner), at a reset's cost.
    if (!this.#closed) this.#root.resetReadTxn();
  };

  /** Closes for good (the store is closing): no window opens any more. */
  dispose(): void {
    this.close();
    this.#closed = true;
  }
}
