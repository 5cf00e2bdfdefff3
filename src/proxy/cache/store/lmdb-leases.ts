import type { Clock } from '../../../core/clock.js';
import type { LmdbStore } from './lmdb.js';
import { AT_STAMP, dbKey, readTotals, writeTotals } from './lmdb-env.js';
import { processAlive } from './pid.js';

/** What `take` found. */
export const TAKEN = 0;
/** Another fill of the key is in flight (its lease is live). */
export const HELD = 1;
/** The key's stamp is no longer the one the caller looked up: something was stored meanwhile. */
export const CHANGED = 2;

/** A lease record: expiry (ms, f64), token (f64), owner pid (u32). */
const LEASE_BYTES = 20;

/**
 * Fill leases of the machine store (docs/caching.md, "Coalescing"): one record per key being
 * fetched, so concurrent misses on any worker send one request upstream. A lease is taken with a
 * conditional write inside one LMDB write transaction — atomic across processes, as write
 * transactions are serialized — and ends when its owner releases it, when it expires
 * (`lock_timeout`), or when its owner's process is gone (a worker killed mid-fill).
 */
export class LeaseTable {
  readonly #store: LmdbStore;
  readonly #clock: Clock;
  readonly #pid: number;

  constructor(store: LmdbStore, clock: Clock, pid = process.pid) {
    this.#store = store;
    this.#clock = clock;
    this.#pid = pid;
  }

  /**
   * Takes the lease of `key` for `ttlMs` when no live one exists and the key still holds stamp
   * `seen` (0: nothing); returns the token to release it with (> 0), or -HELD / -CHANGED.
   */
  take(key: string, ttlMs: number, seen: number): number {
    const env = this.#store.env;
    const k = dbKey(key);
    let result = -HELD;
    const ok = this.#store.transact(() => {
      const now = this.#clock.now();
      const rec = env.leases.getBinaryFast(k);
      if (rec !== undefined && rec.length >= LEASE_BYTES) {
        const owner = rec.readUInt32LE(16);
        if (rec.readDoubleLE(0) > now && (owner === this.#pid || processAlive(owner))) return;
      }
      const s = env.stamps.getBinaryFast(k);
      if ((s === undefined ? 0 : s.readDoubleLE(AT_STAMP)) !== seen) {
        result = -CHANGED;
        return;
      }
      const t = readTotals(env.meta);
      const token = ++t.seq;
      writeTotals(env.meta, t);
      const lease = Buffer.allocUnsafe(LEASE_BYTES);
      lease.writeDoubleLE(now + ttlMs, 0);
      lease.writeDoubleLE(token, 8);
      lease.writeUInt32LE(this.#pid, 16);
      env.leases.putSync(k, lease);
      result = token;
    });
    // LMDB refused the write: nobody coalesces on this key, the request goes upstream alone.
    if (!ok) return -CHANGED;
    return result;
  }

  /** Ends the lease `token` of `key`, if it is still that one (a late leader's was taken over). */
  release(key: string, token: number): void {
    const env = this.#store.env;
    const k = dbKey(key);
    // A failed write leaves the lease to expire by itself.
    this.#store.transact(() => {
      const rec = env.leases.getBinaryFast(k);
      if (rec !== undefined && rec.length >= LEASE_BYTES && rec.readDoubleLE(8) === token) {
        env.leases.removeSync(k);
      }
    });
  }

  /**
   * True while a lease of `key` is live: not released, not expired, its owner running. Read
   * through a fresh snapshot: a waiter must not take a lease for ended because its process still
   * read the store as it was before the lease was taken (only misses and waits pay for this).
   */
  live(key: string): boolean {
    this.#store.refresh();
    const rec = this.#store.env.leases.getBinaryFast(dbKey(key));
    if (rec === undefined || rec.length < LEASE_BYTES) return false;
    const expiresAt = rec.readDoubleLE(0);
    const owner = rec.readUInt32LE(16);
    return expiresAt > this.#clock.now() && (owner === this.#pid || processAlive(owner));
  }
}
