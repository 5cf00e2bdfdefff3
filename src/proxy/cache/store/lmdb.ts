import { rmSync } from 'node:fs';
import { type Clock, systemClock } from '../../../core/clock.js';
import { decodeEntry, encodeEntry } from './codec.js';
import { Held, HeldCopies } from './held.js';
import {
  AT_EXPIRES,
  AT_SIZE,
  AT_STAMP,
  AT_TOUCHED,
  dbKey,
  type LmdbEnv,
  openLmdbEnv,
  readTotals,
  writeTotals,
} from './lmdb-env.js';
import { evictOldest, putRecords, touchRecords, unlink } from './lmdb-records.js';
import { olderReaders, settle } from './lmdb-settle.js';
import { ReadWindow } from './lmdb-window.js';
import {
  type CacheStore,
  type CacheStoreStats,
  entrySize,
  type StoredEntry,
  type StoreHit,
} from './types.js';

export interface LmdbStoreOptions {
  /** The environment's directory, shared by every process of the machine; created if missing. */
  dir: string;
  /** The machine's budget in bytes (entrySize of every entry), whatever the number of processes. */
  maxBytes: number;
  /** Larger entries are refused (default: maxBytes). */
  maxObjectBytes?: number;
  /** This process's decoded copies (held.ts), bytes (default: a quarter of maxBytes). */
  heldBytes?: number;
  /** An entry's last access is recorded at most once per this many ms (default 1000). */
  touchIntervalMs?: number;
  /** Remove `dir` when the store closes (the process created it for itself). */
  removeOnClose?: boolean;
  clock?: Clock;
}

/** The body record starts with the stamp it was written with (8 bytes). */
const ROOM = 8;

/**
 * The machine store (docs/caching.md, "The machine store"): one LMDB environment every worker of
 * a machine opens, so an entry stored by one is a hit on all. A lookup reads the entry's 32-byte
 * stamp record and answers from this process's decoded copy when the stamps match (held.ts);
 * every write — put, delete, eviction, purge — is one LMDB transaction that keeps the machine's
 * byte total, under which the least recently used entries are evicted (by their last access
 * second, recorded at most once a second per entry). Expiry is checked when an entry is read;
 * expired entries count until evicted. Deletes settle before they resolve (lmdb-settle.ts).
 */
export class LmdbStore implements CacheStore {
  readonly env: LmdbEnv;
  /** The environment's directory (every process of the machine opens this one). */
  readonly dir: string;
  readonly #removeOnClose: boolean;
  readonly #maxBytes: number;
  readonly #maxObject: number;
  readonly #clock: Clock;
  readonly #touchSec: number;
  readonly #held: HeldCopies;
  #touches: string[] = [];
  #touchTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #closed = false;
  /** The read snapshot lookups go through (lmdb-window.ts). */
  readonly #window: ReadWindow;
  /** The stamp the last peek read under its key, expired or not; 0 when there was none. */
  lastStamp = 0;

  constructor(opts: LmdbStoreOptions) {
    if (!(opts.maxBytes > 0)) throw new RangeError(`LmdbStore: maxBytes must be > 0, got ${opts.maxBytes}`);
    this.dir = opts.dir;
    this.#removeOnClose = opts.removeOnClose ?? false;
    this.#maxBytes = opts.maxBytes;
    this.#maxObject = Math.min(opts.maxObjectBytes ?? opts.maxBytes, opts.maxBytes);
    this.#clock = opts.clock ?? systemClock;
    this.#touchSec = Math.max(1, Math.round((opts.touchIntervalMs ?? 1000) / 1000));
    this.#held = new HeldCopies(opts.heldBytes ?? Math.max(1 << 20, Math.floor(opts.maxBytes / 4)));
    this.env = openLmdbEnv(opts.dir, opts.maxBytes);
    this.#window = new ReadWindow(this.env.root);
  }

  /**
   * The hit path: the entry stored under `key` now, as this process's copy; undefined on a miss.
   * Reads go through a read window (lmdb-window.ts), in which an entry's stamp is read once: the
   * next hits of a hot key in the same window cost a Map lookup, as a process-local cache would.
   */
  peek(key: string): Held | undefined {
    if (this.#closed) return undefined;
    const h0 = this.#held.get(key);
    const now = this.#clock.now();
    const w = this.#window;
    if (h0 !== undefined && h0.window === w.id) {
      this.lastStamp = h0.stamp;
      if (h0.expiresAt <= now) return undefined;
      this.#used(h0, now);
      return h0;
    }
    w.open();
    const k = dbKey(key);
    const rec = this.env.stamps.getBinaryFast(k, w.through);
    if (rec === undefined) {
      this.lastStamp = 0;
      return undefined;
    }
    // `rec` is lmdb's shared buffer: every field is read before the next get reuses it.
    const stamp = rec.readDoubleLE(AT_STAMP);
    const expiresAt = rec.readDoubleLE(AT_EXPIRES);
    const touched = rec.readUInt32LE(AT_TOUCHED);
    const size = rec.readDoubleLE(AT_SIZE);
    this.lastStamp = stamp;
    if (expiresAt <= now) return undefined;
    let h = h0;
    if (h === undefined || h.stamp !== stamp) {
      h = this.#load(key, k, stamp, expiresAt, size, Math.floor(now / 1000));
      if (h === undefined) return undefined;
    }
    h.touched = touched;
    h.window = w.id;
    this.#used(h, now);
    return h;
  }

  /** LRU bookkeeping of a hit: this process's copies once a second, the machine's at most once a second. */
  #used(h: Held, now: number): void {
    const sec = Math.floor(now / 1000);
    this.#held.used(h, sec);
    if (sec - h.touched >= this.#touchSec && h.touchSec !== sec) {
      h.touchSec = sec;
      this.#touch(dbKey(h.key));
    }
  }

  #load(
    key: string,
    k: string,
    stamp: number,
    expiresAt: number,
    size: number,
    sec: number,
  ): Held | undefined {
    const b = this.env.bodies.getBinaryFast(k, this.#window.through);
    // The same snapshot as the stamp record; a body of another stamp is not this entry.
    if (b === undefined || b.length < ROOM || b.readDoubleLE(0) !== stamp) return undefined;
    const entry = decodeEntry(b.subarray(ROOM, b.length), true);
    if (entry === undefined) return undefined;
    const h = new Held(key, stamp, entry, expiresAt, size, sec);
    this.#held.set(h);
    return h;
  }

  /**
   * The next lookup sees every commit made so far by any process (a waiter that saw a fill's
   * lease end looks again: it must find what that fill stored).
   */
  refresh(): void {
    this.#window.close();
    this.env.root.resetReadTxn();
  }

  lookupSync(key: string): StoreHit | undefined {
    const h = this.peek(key);
    return h === undefined ? undefined : { entry: h.entry, ttlMs: h.expiresAt - this.#clock.now() };
  }

  async lookup(key: string): Promise<StoreHit | undefined> {
    return this.lookupSync(key);
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    return this.peek(key)?.entry;
  }

  /**
   * Stores `entry` for ttlMs, evicting the least recently used entries of the machine to stay
   * within maxBytes; this process keeps the entry as its copy. Null when refused (ttl ≤ 0, too
   * large: an older version under the key is dropped too) or when LMDB failed.
   */
  setSync(key: string, entry: StoredEntry, ttlMs: number): Held | null {
    const size = entrySize(key, entry);
    if (!(ttlMs > 0) || size > this.#maxObject) {
      this.deleteSync(key);
      return null;
    }
    const k = dbKey(key);
    const value = encodeEntry(entry, ROOM);
    const now = this.#clock.now();
    const sec = Math.floor(now / 1000);
    const expiresAt = now + ttlMs;
    let stamp = 0;
    const put = (): void => {
      const env = this.env;
      const t = readTotals(env.meta);
      unlink(env, t, k);
      while (t.bytes + size > this.#maxBytes && evictOldest(env, t)) {}
      stamp = ++t.seq;
      value.writeDoubleLE(stamp, 0);
      putRecords(env, t, k, stamp, expiresAt, size, sec, value);
      writeTotals(env.meta, t);
    };
    if (!this.transact(put) && !(this.#shrink() && this.transact(put))) return null;
    const h = new Held(key, stamp, entry, expiresAt, size, sec);
    this.#held.set(h);
    return h;
  }

  async set(key: string, entry: StoredEntry, ttlMs: number): Promise<void> {
    this.setSync(key, entry, ttlMs);
  }

  /** Removes `key`; the id of the deleting transaction (for settle), 0 when nothing was stored. */
  deleteSync(key: string): number {
    let txn = 0;
    this.transact(() => {
      const t = readTotals(this.env.meta);
      if (!unlink(this.env, t, dbKey(key))) return;
      writeTotals(this.env.meta, t);
      txn = this.env.root.getWriteTxnId();
    });
    this.#held.drop(key);
    return txn;
  }

  /** True when an entry was removed; resolves once every process sees it gone (lmdb-settle.ts). */
  async delete(key: string): Promise<boolean> {
    const txn = this.deleteSync(key);
    await this.settle(txn);
    return txn > 0;
  }

  /** Removes every key starting with `prefix`: how many, and the deleting transaction's id. */
  purgePrefixSync(prefix: string): { removed: number; txn: number } {
    let removed = 0;
    let txn = 0;
    this.transact(() => {
      const keys: string[] = [];
      for (const k of this.env.stamps.getKeys({ start: prefix })) {
        if (!k.startsWith(prefix)) break;
        keys.push(k);
      }
      const t = readTotals(this.env.meta);
      for (const k of keys) if (unlink(this.env, t, k)) removed++;
      if (removed === 0) return;
      writeTotals(this.env.meta, t);
      txn = this.env.root.getWriteTxnId();
    });
    if (removed > 0) this.#held.clear();
    return { removed, txn };
  }

  async purgePrefix(prefix: string): Promise<number> {
    const { removed, txn } = this.purgePrefixSync(prefix);
    await this.settle(txn);
    return removed;
  }

  /** Resolves once no other process reads through a snapshot older than transaction `txn`. */
  settle(txn: number): Promise<boolean> {
    return settle(this.env.root, txn);
  }

  /** True when no other process reads through a snapshot older than `txn` (no wait needed). */
  settled(txn: number): boolean {
    return txn <= 0 || !olderReaders(this.env.root, txn, process.pid);
  }

  /** A number no other call on this machine's store gets (Vary index generations). */
  nextSeq(): number {
    let seq = 0;
    this.transact(() => {
      const t = readTotals(this.env.meta);
      seq = ++t.seq;
      writeTotals(this.env.meta, t);
    });
    return seq;
  }

  /** The machine's entries, bytes and evictions; `degraded` counts this process's failed writes. */
  stats(): CacheStoreStats {
    const t = this.#closed ? null : readTotals(this.env.meta);
    return {
      entries: t?.entries ?? 0,
      bytes: t?.bytes ?? 0,
      evictions: t?.evictions ?? 0,
      degraded: this.#failures,
    };
  }

  /** The decoded copies this process holds (tests, diagnostics). */
  held(): { entries: number; bytes: number } {
    return { entries: this.#held.size, bytes: this.#held.bytes };
  }

  /** Writes the access times queued so far (the LRU order); also runs once per touch interval. */
  flushTouches(): void {
    if (this.#touchTimer !== null) clearTimeout(this.#touchTimer);
    this.#touchTimer = null;
    const keys = this.#touches;
    if (keys.length === 0 || this.#closed) return;
    this.#touches = [];
    const sec = Math.floor(this.#clock.now() / 1000);
    this.transact(() => touchRecords(this.env, keys, sec));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.flushTouches();
    this.#window.dispose();
    this.#closed = true;
    this.#held.clear();
    await this.env.root.close();
    if (this.#removeOnClose) rmSync(this.dir, { recursive: true, force: true });
  }

  #touch(k: string): void {
    this.#touches.push(k);
    if (this.#touchTimer === null) {
      this.#touchTimer = setTimeout(() => this.flushTouches(), this.#touchSec * 1000);
      this.#touchTimer.unref();
    }
  }

  /** After a failed put (the map is full): evicts down to half the budget, so a retry fits. */
  #shrink(): boolean {
    return this.transact(() => {
      const t = readTotals(this.env.meta);
      while (t.bytes > this.#maxBytes / 2 && evictOldest(this.env, t)) {}
      writeTotals(this.env.meta, t);
    });
  }

  /** One write transaction; false (counted) when LMDB refused it — the cache never fails a request. */
  transact(fn: () => void): boolean {
    if (this.#closed) return false;
    try {
      this.env.root.transactionSync(fn);
      return true;
    } catch {
      this.#failures++;
      return false;
    } finally {
      // This process's next lookup must see its own write: a new snapshot.
      this.#window.close();
    }
  }
}
