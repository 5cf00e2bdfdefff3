import type { Clock } from '../../../core/clock.js';
import { LmdbStore, type LmdbStoreOptions } from './lmdb.js';
import { makeCacheDir } from './machine-dir.js';

/** A machine store in a fresh directory of its own, removed when it closes (tests). */
export function tempLmdbStore(clock: Clock, opts: Partial<LmdbStoreOptions> = {}): LmdbStore {
  return new LmdbStore({ dir: makeCacheDir('own'), maxBytes: 1 << 20, removeOnClose: true, clock, ...opts });
}
