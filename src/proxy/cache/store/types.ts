/**
 * Cache stores: where the edge cache (docs/caching.md, "Stores") keeps responses. One small
 * interface, one implementation per file (docs/architecture.md, "One strategy per file"): memory
 * (the embedded default, LRU by bytes), Redis (the shared tier of a fleet) and tiered (memory
 * first, then Redis). The HTTP semantics (RFC 9111 freshness, Vary, validation) live above this
 * layer; a store only keeps bytes for a while.
 */

/** JSON-safe values, so every store can keep metadata the same way (Redis stores it as JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** One stored response: JSON-safe metadata plus a binary body. */
export interface StoredEntry {
  status: number;
  /** Header pairs in order, names as received; repeated names stay repeated. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** When the store received the entry (ms since the epoch). */
  storedAt: number;
  /** RFC 9111 §4.2.3 `request_time` and `response_time`, for the Age calculation. */
  requestTime: number;
  responseTime: number;
  /** The normalised secondary key (RFC 9111 §4.1) this variant answers, when the response Varies. */
  varyKey?: string;
  /** Anything else the cache layer wants back (validators, route name...): JSON-safe. */
  meta?: { [k: string]: JsonValue };
}

/** A hit with the time the store will still keep it, so a faster tier can be filled to match. */
export interface StoreHit {
  entry: StoredEntry;
  ttlMs: number;
}

export interface CacheStoreStats {
  /** Entries and bytes this store holds (for Redis: what this instance can see cheaply — 0). */
  entries: number;
  bytes: number;
  /** Entries dropped to make room (LRU), not counting expiry or deletes. */
  evictions: number;
  /** Operations answered as a miss / no-op because the backing service was slow or down. */
  degraded: number;
}

export interface CacheStore {
  /** A fresh-or-stale stored entry, or undefined; never rejects. Callers must not mutate it. */
  get(key: string): Promise<StoredEntry | undefined>;
  /** As get, with the remaining time to live. */
  lookup(key: string): Promise<StoreHit | undefined>;
  /** Keeps the entry for ttlMs (≤ 0: not stored). Never rejects; a refused entry is not an error. */
  set(key: string, entry: StoredEntry, ttlMs: number): Promise<void>;
  /** True when an entry was removed. */
  delete(key: string): Promise<boolean>;
  /** Removes every key starting with prefix; resolves with how many were removed. */
  purgePrefix(prefix: string): Promise<number>;
  stats(): CacheStoreStats;
  close(): Promise<void>;
}

/** Fixed per-entry cost in bytes: the Map slot, the entry object and its numbers. */
export const ENTRY_OVERHEAD_BYTES = 256;

/** What an entry costs against a byte budget: body + headers + key + fixed overhead. */
export function entrySize(key: string, entry: StoredEntry): number {
  let n = ENTRY_OVERHEAD_BYTES + key.length + entry.body.length + (entry.varyKey?.length ?? 0);
  for (const [name, value] of entry.headers) n += name.length + value.length + 4;
  return n;
}
