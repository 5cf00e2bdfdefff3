export type { Held } from './held.js';
export { LmdbStore, type LmdbStoreOptions } from './lmdb.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { RedisStore, type RedisStoreHealth, type RedisStoreOptions } from './redis.js';
export { TieredStore } from './tiered.js';
export type { CacheStore, CacheStoreStats, JsonValue, StoredEntry, StoreHit } from './types.js';
export { ENTRY_OVERHEAD_BYTES, entrySize } from './types.js';
