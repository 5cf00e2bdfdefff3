import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import { LmdbStore, type LmdbStoreOptions } from './lmdb.js';

/** A machine store in a fresh directory of its own, removed when it closes (tests). */
export function tempLmdbStore(clock: Clock, opts: Partial<LmdbStoreOptions> = {}): LmdbStore {
  const dir = mkdtempSync(join(tmpdir(), 'keel-cache-test-'));
  return new LmdbStore({ dir, maxBytes: 1 << 20, removeOnClose: true, clock, ...opts });
}
