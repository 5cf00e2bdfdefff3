import { type Clock, systemClock } from '../../../core/clock.js';
import {
  type CacheStore,
  type CacheStoreStats,
  entrySize,
  type StoredEntry,
  type StoreHit,
} from './types.js';

export interface MemoryStoreOptions {
  /** Total budget in bytes (entrySize of every entry). */
  maxBytes: number;
  /**
   * Entries larger than this are refused (`cache.memory.max_object_bytes`, docs/caching.md
   * "Stores"). Default: maxBytes.
   */
  maxObjectBytes?: number;
  /**
   * A hit refreshes an entry's recency at most once per this many ms (default 1000): moving a
   * key to the young end of the Map is a delete and an insert, and doing that on every hit of a
   * hot key costs more than the lookup itself (V8 compacts the Map's deleted slots). LRU order is
   * then exact to this granularity. 0 = on every hit.
   */
  touchIntervalMs?: number;
  clock?: Clock;
}

interface Slot {
  entry: StoredEntry;
  size: number;
  expiresAt: number;
  touchedAt: number;
}

/**
 * The embedded tier: an LRU bounded by bytes. A Map keeps insertion order, so re-inserting on a
 * hit moves the key to the young end and the first key is the least recently used: get, set and
 * evict are O(1). Expiry is checked lazily on access with the injected clock (docs/architecture.md,
 * "Injected time and randomness"), so there is no timer; expired entries still count until
 * touched or evicted.
 */
export class MemoryStore implements CacheStore {
  readonly #map = new Map<string, Slot>();
  readonly #maxBytes: number;
  readonly #maxObject: number;
  readonly #clock: Clock;
  readonly #touchMs: number;
  #bytes = 0;
  #evictions = 0;

  constructor(opts: MemoryStoreOptions) {
    if (!(opts.maxBytes > 0)) throw new RangeError(`MemoryStore: maxBytes must be > 0, got ${opts.maxBytes}`);
    this.#maxBytes = opts.maxBytes;
    this.#maxObject = Math.min(opts.maxObjectBytes ?? opts.maxBytes, opts.maxBytes);
    this.#clock = opts.clock ?? systemClock;
    this.#touchMs = opts.touchIntervalMs ?? 1000;
  }

  lookupSync(key: string): StoreHit | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    const now = this.#clock.now();
    const ttlMs = slot.expiresAt - now;
    if (ttlMs <= 0) {
      this.#remove(key, slot);
      return undefined;
    }
    if (now - slot.touchedAt >= this.#touchMs) {
      slot.touchedAt = now;
      this.#map.delete(key);
      this.#map.set(key, slot);
    }
    return { entry: slot.entry, ttlMs };
  }

  async lookup(key: string): Promise<StoreHit | undefined> {
    return this.lookupSync(key);
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    return this.lookupSync(key)?.entry;
  }

  /** False when the entry was refused (too large, or ttl ≤ 0). */
  setSync(key: string, entry: StoredEntry, ttlMs: number): boolean {
    const old = this.#map.get(key);
    if (old !== undefined) this.#remove(key, old);
    const size = entrySize(key, entry);
    if (!(ttlMs > 0) || size > this.#maxObject) return false;
    while (this.#bytes + size > this.#maxBytes) this.#evictOldest();
    const now = this.#clock.now();
    this.#map.set(key, { entry, size, expiresAt: now + ttlMs, touchedAt: now });
    this.#bytes += size;
    return true;
  }

  async set(key: string, entry: StoredEntry, ttlMs: number): Promise<void> {
    this.setSync(key, entry, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    const slot = this.#map.get(key);
    if (slot === undefined) return false;
    this.#remove(key, slot);
    return true;
  }

  async purgePrefix(prefix: string): Promise<number> {
    let n = 0;
    // Deleting the current key while iterating a Map is safe (ECMA-262 Map iterators).
    for (const [key, slot] of this.#map) {
      if (key.startsWith(prefix)) {
        this.#remove(key, slot);
        n++;
      }
    }
    return n;
  }

  stats(): CacheStoreStats {
    return { entries: this.#map.size, bytes: this.#bytes, evictions: this.#evictions, degraded: 0 };
  }

  async close(): Promise<void> {
    this.#map.clear();
    this.#bytes = 0;
  }

  #evictOldest(): void {
    const first = this.#map.entries().next();
    if (first.done) return;
    this.#remove(first.value[0], first.value[1]);
    this.#evictions++;
  }

  #remove(key: string, slot: Slot): void {
    this.#map.delete(key);
    this.#bytes -= slot.size;
  }
}
