import type { MemoryStore } from './memory.js';
import type { CacheStore, CacheStoreStats, StoredEntry, StoreHit } from './types.js';

/**
 * Memory first, then the shared tier, then a miss (docs/caching.md, "Tiers"). A shared-tier hit fills
 * memory for the time the shared tier would still keep it, so both tiers forget it together.
 * The shared tier never rejects (RedisStore answers misses when Redis is down), so neither does
 * this; writes, deletes and purges go to both.
 */
export class TieredStore implements CacheStore {
  readonly #near: MemoryStore;
  readonly #far: CacheStore;

  constructor(near: MemoryStore, far: CacheStore) {
    this.#near = near;
    this.#far = far;
  }

  async lookup(key: string): Promise<StoreHit | undefined> {
    const near = this.#near.lookupSync(key);
    if (near !== undefined) return near;
    const far = await this.#far.lookup(key);
    if (far !== undefined) this.#near.setSync(key, far.entry, far.ttlMs);
    return far;
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    return (await this.lookup(key))?.entry;
  }

  async set(key: string, entry: StoredEntry, ttlMs: number): Promise<void> {
    this.#near.setSync(key, entry, ttlMs);
    await this.#far.set(key, entry, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    const [a, b] = await Promise.all([this.#near.delete(key), this.#far.delete(key)]);
    return a || b;
  }

  /** The larger count: a key held in both tiers is one entry, not two. */
  async purgePrefix(prefix: string): Promise<number> {
    const [a, b] = await Promise.all([this.#near.purgePrefix(prefix), this.#far.purgePrefix(prefix)]);
    return Math.max(a, b);
  }

  /** Entries and bytes are the memory tier's; degraded counts the shared tier's failures. */
  stats(): CacheStoreStats {
    const near = this.#near.stats();
    return { ...near, degraded: this.#far.stats().degraded };
  }

  async close(): Promise<void> {
    await Promise.all([this.#near.close(), this.#far.close()]);
  }
}
