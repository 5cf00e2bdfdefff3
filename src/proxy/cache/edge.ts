import type { CacheStoresConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import { type Coalescer, LocalCoalescer } from './coalesce.js';
import { KEY_SEPARATOR } from './keys.js';
import { MemoryStore, RedisStore, type StoredEntry } from './store/index.js';

/** What the metrics and the admin API read of the cache (docs/caching.md, "Observed"). */
export interface EdgeCacheStats {
  entries: number;
  bytes: number;
  evictions: number;
  /** Null without a Redis tier. */
  redis: { up: boolean; failures: number; timeouts: number } | null;
}

/**
 * The gateway's edge cache: the stores (memory, and Redis when configured) and the fills in
 * flight. One per gateway, kept across reloads while `cache:` is unchanged, so a reload does not
 * empty the cache; every caching route's link shares it.
 */
export class EdgeCache {
  readonly config: CacheStoresConfig;
  readonly near: MemoryStore;
  readonly far: RedisStore | null;
  /** The keys being filled, and the requests waiting for them (request coalescing). */
  readonly fills: Coalescer = new LocalCoalescer();
  #gen = 0;

  constructor(config: CacheStoresConfig, clock: Clock) {
    this.config = config;
    this.near = new MemoryStore({
      maxBytes: config.memory.max_bytes,
      maxObjectBytes: config.memory.max_object_bytes + 64 * 1024, // + headers and key
      clock,
    });
    const r = config.redis;
    this.far =
      r === null ? null : new RedisStore({ url: r.url, keyPrefix: r.key_prefix, timeoutMs: r.timeout });
  }

  /** A new Vary generation (storing.ts: variants of an older index are never served). */
  nextGen(): number {
    return ++this.#gen;
  }

  /** Near tier only: synchronous, the hit path of every request. */
  peek(key: string): StoredEntry | undefined {
    return this.near.lookupSync(key)?.entry;
  }

  /** The shared tier; a hit there fills memory for the time Redis still keeps it. Never rejects. */
  async lookupFar(key: string): Promise<StoredEntry | undefined> {
    if (this.far === null) return undefined;
    const hit = await this.far.lookup(key);
    if (hit === undefined) return undefined;
    this.near.setSync(key, hit.entry, hit.ttlMs);
    return hit.entry;
  }

  store(key: string, entry: StoredEntry, ttlMs: number): void {
    this.near.setSync(key, entry, ttlMs);
    if (this.far !== null) void this.far.set(key, entry, ttlMs);
  }

  /** RFC 9111 §4.4 invalidation of one key (memory now, Redis in the background). */
  invalidate(key: string): void {
    void this.near.delete(key);
    if (this.far !== null) void this.far.delete(key);
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
      redis:
        h === undefined ? null : { up: h.status === 'ready', failures: h.failures, timeouts: h.timeouts },
    };
  }

  async close(): Promise<void> {
    this.fills.close();
    await Promise.all([this.near.close(), this.far?.close()]);
  }

  /** Runs on both tiers; a key held in both counts once. */
  async #both(op: (s: MemoryStore | RedisStore) => Promise<number>): Promise<number> {
    const [a, b] = await Promise.all([op(this.near), this.far === null ? 0 : op(this.far)]);
    return Math.max(a, b);
  }
}
