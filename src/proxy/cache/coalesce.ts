import { CHANGED, HELD, type LeaseTable } from './store/lmdb-leases.js';

/**
 * Request coalescing (docs/caching.md, "Coalescing"): of the concurrent misses and revalidations
 * of one key, on any worker of the machine, one — the leader — goes upstream; the others wait
 * until it is done, then look again and are answered from what it stored. After the route's
 * `lock_timeout` the leader is late: its waiters go upstream themselves, and later requests no
 * longer wait for it (nginx's proxy_cache_lock_timeout).
 *
 * The interface names keys only; waiters stay local objects, woken through the callback they
 * were queued with. Nothing here knows what a waiter is.
 */
export interface Coalescer {
  /**
   * Takes the lead of `key` when nobody holds it and the key still holds the entry of stamp
   * `seen` the caller looked up (0: none): the lease the leader must release whatever happens;
   * null when the key already has a leader; STORED_MEANWHILE when another fill ended between the
   * caller's lookup and now (look again).
   */
  lead(key: string, lockTimeoutMs: number, seen: number): Lease | null | typeof STORED_MEANWHILE;
  /**
   * Queues `waiter` behind the leader of `key`: `wake(waiter)` is called once, when the leader
   * is done or late, at most `lockTimeoutMs` from now. False (nothing queued) when nobody leads,
   * or the leader is late.
   */
  wait<W>(key: string, lockTimeoutMs: number, waiter: W, wake: (waiter: W) => void): boolean;
  /** What is in flight in this process: keys led or waited on, and requests waiting. */
  stats(): CoalescerStats;
  /** Drops every lead and wait without waking anyone (the edge cache is closing). */
  close(): void;
}

export const STORED_MEANWHILE: unique symbol = Symbol('stored meanwhile');

/** A key's lead, released by the leader: its waiters are woken, in the order they came. */
export interface Lease {
  release(): void;
}

export interface CoalescerStats {
  leaders: number;
  waiters: number;
}

/** Polls for the end of another process's fill: 1 ms, doubling to this. */
const POLL_MAX_MS = 16;

/**
 * One key's fill as this process sees it: led here (`token` > 0: the LMDB lease it holds) or led
 * by another process (token 0: polled until its lease ends), and the requests waiting here.
 */
class Fill implements Lease {
  readonly key: string;
  readonly #owner: LeaseCoalescer;
  token: number;
  /** Waiters and the callbacks that wake them, side by side (no object per waiter). */
  readonly waiters: unknown[] = [];
  readonly wakes: Array<(waiter: never) => void> = [];
  timer: NodeJS.Timeout | null = null;
  late = false;
  pollMs = 1;
  /** performance.now() past which a remote fill is no longer waited for. */
  until = 0;

  constructor(key: string, owner: LeaseCoalescer, token: number) {
    this.key = key;
    this.#owner = owner;
    this.token = token;
  }

  release(): void {
    this.#owner.ended(this);
  }

  wakeAll(): void {
    const waiters = this.waiters.splice(0);
    const wakes = this.wakes.splice(0);
    for (let i = 0; i < waiters.length; i++) (wakes[i] as (waiter: unknown) => void)(waiters[i]);
  }
}

/**
 * Coalescing per machine through the machine store's leases (store/lmdb-leases.ts). Waiters in
 * the leader's own process are woken when it releases; waiters elsewhere poll the lease, from 1 ms
 * doubling to 16 ms — a fill ends at least that much later for them, against an IPC notification
 * through the primary that would cost every fill a round trip (docs/architecture.md, "One cache
 * per machine").
 */
export class LeaseCoalescer implements Coalescer {
  readonly #fills = new Map<string, Fill>();
  readonly #leases: LeaseTable;

  constructor(leases: LeaseTable) {
    this.#leases = leases;
  }

  lead(key: string, lockTimeoutMs: number, seen: number): Lease | null | typeof STORED_MEANWHILE {
    const f = this.#fills.get(key);
    if (f !== undefined && f.token > 0 && !f.late) return null;
    const token = this.#leases.take(key, lockTimeoutMs, seen);
    if (token === -HELD) {
      // Led by another process: wait for it (the caller queues through wait()).
      if (f === undefined) this.#watch(key, lockTimeoutMs);
      return null;
    }
    if (token === -CHANGED) return STORED_MEANWHILE;
    // A wait on another process's fill that has just ended becomes this lead, waiters and all.
    let fill = f !== undefined && f.token === 0 ? f : undefined;
    if (fill === undefined) {
      fill = new Fill(key, this, token);
      this.#fills.set(key, fill);
    } else {
      if (fill.timer !== null) clearTimeout(fill.timer);
      fill.token = token;
    }
    const lead = fill;
    lead.timer = setTimeout(() => {
      // The leader is slow: its waiters stop waiting and go upstream themselves, uncached.
      lead.late = true;
      lead.timer = null;
      lead.wakeAll();
    }, lockTimeoutMs);
    lead.timer.unref();
    return lead;
  }

  wait<W>(key: string, lockTimeoutMs: number, waiter: W, wake: (waiter: W) => void): boolean {
    let f = this.#fills.get(key);
    if (f === undefined) {
      if (!this.#leases.live(key)) return false;
      f = this.#watch(key, lockTimeoutMs);
    } else if (f.late) return false;
    f.waiters.push(waiter);
    f.wakes.push(wake);
    return true;
  }

  /** A lead released (Fill.release): its lease ends, then its waiters are woken. */
  ended(f: Fill): void {
    if (f.token > 0) this.#leases.release(f.key, f.token);
    // Released already, dropped by close(), or taken over after it turned late: nobody to wake.
    if (this.#fills.get(f.key) !== f) return;
    this.#fills.delete(f.key);
    if (f.timer !== null) clearTimeout(f.timer);
    f.timer = null;
    f.wakeAll();
  }

  /** Waits here on another process's fill of `key`: polled until its lease ends. */
  #watch(key: string, lockTimeoutMs: number): Fill {
    const f = new Fill(key, this, 0);
    f.until = performance.now() + lockTimeoutMs;
    this.#fills.set(key, f);
    this.#poll(f);
    return f;
  }

  #poll(f: Fill): void {
    f.timer = setTimeout(() => {
      f.timer = null;
      if (this.#fills.get(f.key) !== f || f.token > 0) return;
      if (this.#leases.live(f.key) && performance.now() < f.until) {
        f.pollMs = Math.min(POLL_MAX_MS, f.pollMs * 2);
        this.#poll(f);
        return;
      }
      this.#fills.delete(f.key);
      f.wakeAll();
    }, f.pollMs);
    f.timer.unref();
  }

  stats(): CoalescerStats {
    let waiters = 0;
    let leaders = 0;
    for (const f of this.#fills.values()) {
      waiters += f.waiters.length;
      if (f.token > 0) leaders++;
    }
    return { leaders, waiters };
  }

  close(): void {
    for (const f of this.#fills.values()) if (f.timer !== null) clearTimeout(f.timer);
    this.#fills.clear();
  }
}
