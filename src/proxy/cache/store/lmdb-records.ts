import {
  AT_EXPIRES,
  AT_SIZE,
  AT_STAMP,
  AT_TOUCHED,
  type LmdbEnv,
  lruKey,
  lruTarget,
  stampRecord,
  type Totals,
} from './lmdb-env.js';

const EMPTY = Buffer.alloc(0);

/**
 * The record-level writes of the machine store (lmdb-env.ts, layout), each inside a write
 * transaction the caller holds: an entry is its stamp record, its body record and its lru key,
 * which these keep together, and the machine's totals.
 */

/** Stores one entry's three records (its body already carries `stamp`); counts it in `t`. */
export function putRecords(
  env: LmdbEnv,
  t: Totals,
  k: string,
  stamp: number,
  expiresAt: number,
  size: number,
  sec: number,
  body: Buffer,
): void {
  env.stamps.putSync(k, stampRecord(stamp, expiresAt, size, sec));
  env.bodies.putSync(k, body);
  env.lru.putSync(lruKey(sec, k), EMPTY);
  t.bytes += size;
  t.entries++;
}

/** Removes a stored key's three records; false when it had none. */
export function unlink(env: LmdbEnv, t: Totals, k: string): boolean {
  const rec = env.stamps.getBinaryFast(k);
  if (rec === undefined) return false;
  const size = rec.readDoubleLE(AT_SIZE);
  const touched = rec.readUInt32LE(AT_TOUCHED);
  env.stamps.removeSync(k);
  env.bodies.removeSync(k);
  env.lru.removeSync(lruKey(touched, k));
  t.bytes -= size;
  t.entries--;
  return true;
}

/** Evicts the entry accessed longest ago; false when none is left. */
export function evictOldest(env: LmdbEnv, t: Totals): boolean {
  for (const lk of env.lru.getKeys({ limit: 1 })) {
    env.lru.removeSync(lk);
    if (unlink(env, t, lruTarget(lk))) t.evictions++;
    return true;
  }
  return false;
}

/** Records `sec` as the last access of each key (its lru key moves), unless it is no later. */
export function touchRecords(env: LmdbEnv, keys: readonly string[], sec: number): void {
  for (const k of keys) {
    const rec = env.stamps.getBinaryFast(k);
    if (rec === undefined) continue;
    const old = rec.readUInt32LE(AT_TOUCHED);
    if (old >= sec) continue;
    const next = stampRecord(
      rec.readDoubleLE(AT_STAMP),
      rec.readDoubleLE(AT_EXPIRES),
      rec.readDoubleLE(AT_SIZE),
      sec,
    );
    env.lru.removeSync(lruKey(old, k));
    env.lru.putSync(lruKey(sec, k), EMPTY);
    env.stamps.putSync(k, next);
  }
}
