import { join } from 'node:path';
import type { CacheStoresConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import { type Coalescer, LeaseCoalescer } from './coalesce.js';
import { KEY_SEPARATOR } from './keys.js';
import { type Held, LmdbStore, RedisStore, type StoredEntry } from './store/index.js';
import { mapSizeFor } from './store/lmdb-env.js';
import { LeaseTable } from './store/lmdb-leases.js';
import { makeCacheDir, storeDirName } from './store/machine-dir.js';

/** What the metrics and the admin API read of the cache (docs/caching.md, "Observed"). */
export interface EdgeCacheStats {
  /** The machine store's: every worker reports the same figures. */
  entries: number;
  bytes: number;
  evictions: number;
  /** Requests of this process waiting on another request's fill (coalescing). */
  waiting: number;
  /** Null without a Redis tier. */
  redis: { up: boolean; failures: number; timeouts: number } | null;
}

/**
 * The gateway's edge cache: the machine store (every worker of the machine reads and writes the
 * same one, docs/caching.md "The machine store"), Redis when configured (the fleet's tier behind
 * it), and the fills in flight. One per gateway, kept across reloads while `cache:` is unchanged,
 * so a reload does not empty the cache; every caching route's link shares it.
 *
 * `machineDir` is the directory the cluster primary made for this machine's stores; without one
 * (a process alone: `keel demo`, `--workers 1`, an embedding service, a test) the cache makes its
 * own (store/machine-dir.ts) and removes it when it closes — the same store and
 * the same hit path either way.
 */
export class EdgeCache {
  readonly config: CacheStoresConfig;
  readonly near: LmdbStore;
  readonly far: RedisStore | null;
  /** The keys being filled, and the requests waiting for them (request coalescing). */
  readonly fills: Coalescer;

  constructor(config: CacheStoresConfig, clock: Clock, machineDir: string | null = null) {
    this.config = config;
    const own = machineDir === null;
    const dir = own
      ? makeCacheDir('own', mapSizeFor(config.memory.max_bytes))
      : join(machineDir, storeDirName(config));
    this.near = new LmdbStore({
      dir,
      maxBytes: config.memory.max_bytes,
      maxObjectBytes: config.memory.max_object_bytes + 64 * 1024, // + headers and key
      removeOnClose: own,
      clock,
    });
    this.fills = new LeaseCoalescer(new LeaseTable(this.near, clock));
    const r = config.redis;
    this.far =
      r === null ? null : new RedisStore({ url: r.url, keyPrefix: r.key_prefix, timeoutMs: r.timeout });
  }

  /** A new Vary generation, unique on the machine (storing.ts: variants of an older index are never served). */
  nextGen(): number {
    return this.near.nextSeq();
  }

  /** The machine store only: synchronous, the hit path of every request. */
  peek(key: string): Held | undefined {
    return this.near.peek(key);
  }

  /** The stamp the last peek read (coalescing compares it when it takes a lead). */
  get lastStamp(): number {
    return this.near.lastStamp;
  }

  /** The fleet's tier; a hit there fills the machine store for the time Redis still keeps it. Never rejects. */
  async lookupFar(key: string): Promise<Held | undefined> {
    if (this.far === null) return undefined;
    const hit = await this.far.lookup(key);
    if (hit === undefined) return undefined;
    return this.near.setSync(key, hit.entry, hit.ttlMs) ?? undefined;
  }

  store(key: string, entry: StoredEntry, ttlMs: number): void {
    this.near.setSync(key, entry, ttlMs);
    if (this.far !== null) void this.far.set(key, entry, ttlMs);
  }

  /**
   * RFC 9111 §4.4 invalidation of one key: gone from the machine store now, from Redis in the
   * background. Returns the deleting transaction (0: nothing was stored), which `settled` and
   * `settle` take: the caller holds its response until every worker sees the key gone.
   */
  invalidate(key: string): number {
    if (this.far !== null) void this.far.delete(key);
    return this.near.deleteSync(key);
  }

  /** As invalidate, for every key under `prefix` (a URL's key-header entries). */
  invalidatePrefix(prefix: string): number {
    if (this.far !== null) void this.far.purgePrefix(prefix);
    return this.near.purgePrefixSync(prefix).txn;
  }

  settled(txn: number): boolean {
    return this.near.settled(txn);
  }

  settle(txn: number): Promise<boolean> {
    return this.near.settle(txn);
  }

  /** Everything stored for a URL: its key, its key-header entries and its Vary variants. */
  async purgeBase(base: string): Promise<number> {
    const [one, rest] = await Promise.all([
      this.#both((s) => s.delete(base).then((d) => (d ? 1 : 0))),
      this.#both((s) => s.purgePrefix(base + KEY_SEPARATOR)),
    ]);
    return one + rest;
  }

  async purgePrefix(prefix: string): Promise<number> {
    return this.#both((s) => s.purgePrefix(prefix));
  }

  stats(): EdgeCacheStats {
    const s = this.near.stats();
    const h = this.far?.health();
    return {
      entries: s.entries,
      bytes: s.bytes,
      evictions: s.evictions,
      waiting: this.fills.stats().waiters,
      redis:
        h === undefined ? null : { up: h.status === 'ready', failures: h.failures, timeouts: h.timeouts },
    };
  }

  async close(): Promise<void> {
    this.fills.close();
    await Promise.all([this.near.close(), this.far?.close()]);
  }

  /** Runs on both tiers (each resolves once done everywhere); a key held in both counts once. */
  async #both(op: (s: LmdbStore | RedisStore) => Promise<number>): Promise<number> {
    const [a, b] = await Promise.all([op(this.near), this.far === null ? 0 : op(this.far)]);
    return Math.max(a, b);
  }
}
