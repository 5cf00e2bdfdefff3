import type { RootDatabase } from 'lmdb';

/**
 * Deletes that every process sees at once (docs/caching.md, "The machine store"). A lookup reads
 * LMDB through a read snapshot kept for a short window (lmdb-window.ts; a fresh one per lookup
 * cost more than the lookup, bench/micro/shared-store.ts), so a process may still see an entry for
 * a moment after another one deleted it. A purge, and an RFC 9111 §4.4 invalidation, therefore end
 * only once no other process holds a snapshot older than the delete: LMDB's reader table lists
 * each process's snapshot (its transaction id, or "-" while it holds none), and the deleter polls
 * it. A process whose window ended holds none; a busy one opens a new window within one. Nothing
 * on the hit path pays for this.
 */
export const SETTLE_MAX_MS = 1000;

/** True while a process other than `pid` reads through a snapshot older than transaction `txn`. */
export function olderReaders(root: RootDatabase, txn: number, pid: number): boolean {
  const lines = root.readerList().split('\n');
  // The first line is a header ("pid thread txnid"); then one line per reader slot in use.
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.trim().split(/\s+/);
    if (cols.length < 3 || Number(cols[0]) === pid) continue;
    const id = cols[2]!;
    if (id !== '-' && Number(id) < txn) return true;
  }
  return false;
}

/**
 * Resolves once no other process reads through a snapshot older than `txn` (true), or after
 * `maxMs` (false: a process whose event loop stalled that long is counted as not yet settled, and
 * the caller goes on). Slots of processes that died are cleared first (LMDB's reader check).
 */
export async function settle(root: RootDatabase, txn: number, maxMs = SETTLE_MAX_MS): Promise<boolean> {
  if (txn <= 0 || !olderReaders(root, txn, process.pid)) return true;
  root.readerCheck();
  const end = performance.now() + maxMs;
  while (olderReaders(root, txn, process.pid)) {
    if (performance.now() >= end) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return true;
}
