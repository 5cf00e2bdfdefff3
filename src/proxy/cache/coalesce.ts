/**
 * Request coalescing (docs/caching.md, "Coalescing"): of the concurrent misses and revalidations
 * of one key, one — the leader — goes upstream; the others wait until it is done, then look
 * again and are answered from what it stored. After the route's `lock_timeout` the leader is
 * late: its waiters go upstream themselves, and later requests no longer wait for it (nginx's
 * proxy_cache_lock_timeout).
 *
 * The interface names keys only, so an implementation shared by every worker of a machine can
 * replace the in-process one below; waiters stay local objects, woken through the callback they
 * were queued with. Nothing here knows what a waiter is.
 */
export interface Coalescer {
  /**
   * Takes the lead of `key` when nobody holds it: the lease the leader must release whatever
   * happens; null when the key already has a leader (late or not).
   */
  lead(key: string, lockTimeoutMs: number): Lease | null;
  /**
   * Queues `waiter` behind the leader of `key`: `wake(waiter)` is called once, when the leader
   * releases or turns late. False (nothing queued) when nobody leads, or the leader is late.
   */
  wait<W>(key: string, waiter: W, wake: (waiter: W) => void): boolean;
  /** What is in flight now: keys with a leader, and requests waiting (tests, diagnostics). */
  stats(): CoalescerStats;
  /** Drops every lead and wait without waking anyone (the edge cache is closing). */
  close(): void;
}

/** A key's lead, released by the leader: its waiters are woken, in the order they came. */
export interface Lease {
  release(): void;
}

export interface CoalescerStats {
  leaders: number;
  waiters: number;
}

/** One key's leader in flight and the requests waiting for it. */
class Fill implements Lease {
  readonly key: string;
  readonly #fills: Map<string, Fill>;
  /** Waiters and the callbacks that wake them, side by side (no object per waiter). */
  readonly waiters: unknown[] = [];
  readonly wakes: Array<(waiter: never) => void> = [];
  timer: NodeJS.Timeout | null = null;
  late = false;

  constructor(key: string, fills: Map<string, Fill>) {
    this.key = key;
    this.#fills = fills;
  }

  release(): void {
    // Released already, or dropped by close(): nothing left to wake.
    if (this.#fills.get(this.key) !== this) return;
    this.#fills.delete(this.key);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAll();
  }

  wakeAll(): void {
    const waiters = this.waiters.splice(0);
    const wakes = this.wakes.splice(0);
    for (let i = 0; i < waiters.length; i++) (wakes[i] as (waiter: unknown) => void)(waiters[i]);
  }
}

/** Coalescing within one process: a map of the keys being filled. */
export class LocalCoalescer implements Coalescer {
  readonly #fills = new Map<string, Fill>();

  lead(key: string, lockTimeoutMs: number): Lease | null {
    if (this.#fills.has(key)) return null;
    const fill = new Fill(key, this.#fills);
    this.#fills.set(key, fill);
    fill.timer = setTimeout(() => {
      // The leader is slow: its waiters stop waiting and go upstream themselves, uncached.
      fill.late = true;
      fill.timer = null;
      fill.wakeAll();
    }, lockTimeoutMs);
    fill.timer.unref();
    return fill;
  }

  wait<W>(key: string, waiter: W, wake: (waiter: W) => void): boolean {
    const fill = this.#fills.get(key);
    if (fill === undefined || fill.late) return false;
    fill.waiters.push(waiter);
    fill.wakes.push(wake);
    return true;
  }

  stats(): CoalescerStats {
    let waiters = 0;
    for (const f of this.#fills.values()) waiters += f.waiters.length;
    return { leaders: this.#fills.size, waiters };
  }

  close(): void {
    for (const f of this.#fills.values()) if (f.timer !== null) clearTimeout(f.timer);
    this.#fills.clear();
  }
}
