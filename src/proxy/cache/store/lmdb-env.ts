import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type Database, open, type RootDatabase, type Transaction } from 'lmdb';

/**
 * The layout of the machine store (docs/caching.md, "The machine store"): one LMDB environment
 * in a directory every process of the machine opens, with five named databases.
 *
 *   stamps  key → 32 bytes: the entry's stamp, expiry, accounted size and last access second.
 *           What a lookup reads: small and fixed, so a hit copies 32 bytes whatever the body.
 *   bodies  key → the stamp again (8 bytes) + the entry as codec.ts encodes it.
 *   lru     "<last access second, 8 hex digits><key>" → nothing: the oldest sorts first.
 *   leases  key → a fill lease (coalescing): expiry, owner pid, token.
 *   meta    "totals" → the sequence, byte total, entry count and evictions of the machine.
 *
 * A stored response is its stamp record, its body record and its lru key, written in one
 * transaction; an eviction or a delete removes the three in one. LMDB's copy-on-write pages make a
 * transaction all or nothing even when the writing process is killed in the middle of it.
 */
export interface LmdbEnv {
  readonly root: RootDatabase;
  readonly stamps: Db;
  readonly bodies: Db;
  readonly lru: Db;
  readonly leases: Db;
  readonly meta: Db;
}

/** A database of the store; getBinaryFast takes the read transaction to use (lmdb's `transaction` option). */
export type Db = Database<Buffer, string> & {
  getBinaryFast(id: string, options?: { transaction: Transaction | null }): Buffer | undefined;
};

/**
 * Keys as UTF-8 bytes. lmdb's default key encoding (ordered-binary) spends about as long encoding
 * a URL-sized string as the lookup itself (bench/micro/shared-store.ts); plain UTF-8 keeps the
 * byte order of the strings, which prefix purges rely on.
 */
const utf8Keys = {
  writeKey(key: string | Uint8Array, target: Buffer, start: number): number {
    if (typeof key === 'string') return start + target.write(key, start, 'utf8');
    // A range with no start: lmdb passes its own beginning key as bytes.
    target.set(key, start);
    return start + key.length;
  },
  readKey(buf: Buffer, start: number, end: number): string {
    return buf.toString('utf8', start, end);
  },
};

/** The address space reserved for the map: a ceiling, not an allocation (pages are used as written). */
export function mapSizeFor(maxBytes: number): number {
  return Math.min(2 ** 40, Math.max(256 * 2 ** 20, 4 * maxBytes + 64 * 2 ** 20));
}

export function openLmdbEnv(dir: string, maxBytes: number): LmdbEnv {
  mkdirSync(dir, { recursive: true });
  // noSync: the store is a cache, rebuilt empty by every start; a crash of the machine may lose
  // it, a crash of a process may not corrupt it (LMDB commits by switching a meta page).
  const root = open({ path: dir, noSync: true, maxDbs: 8, mapSize: mapSizeFor(maxBytes) });
  const db = (name: string) =>
    root.openDB<Buffer, string>({ name, encoding: 'binary', keyEncoder: utf8Keys } as never) as Db;
  return {
    root,
    stamps: db('stamps'),
    bodies: db('bodies'),
    lru: db('lru'),
    leases: db('leases'),
    meta: db('meta'),
  };
}

/** LMDB keys hold at most 1978 bytes here; longer cache keys keep a prefix and a hash of the rest. */
const KEY_BYTES_MAX = 1900;
const KEY_PREFIX_CHARS = 600;

/**
 * The database key of a cache key: itself, or for a key over KEY_BYTES_MAX bytes its first
 * characters and a SHA-256 of the whole (a prefix purge still reaches it by those characters).
 */
export function dbKey(key: string): string {
  if (key.length <= KEY_BYTES_MAX / 3 || Buffer.byteLength(key) <= KEY_BYTES_MAX) return key;
  return `${key.slice(0, KEY_PREFIX_CHARS)}\u0000#${createHash('sha256').update(key).digest('hex')}`;
}

/** The stamp record (32 bytes): read in place by a lookup, written by every put and touch. */
export const STAMP_BYTES = 32;
export const AT_STAMP = 0;
export const AT_EXPIRES = 8;
export const AT_SIZE = 16;
export const AT_TOUCHED = 24;

export function stampRecord(stamp: number, expiresAt: number, size: number, touchedSec: number): Buffer {
  const b = Buffer.allocUnsafe(STAMP_BYTES);
  b.writeDoubleLE(stamp, AT_STAMP);
  b.writeDoubleLE(expiresAt, AT_EXPIRES);
  b.writeDoubleLE(size, AT_SIZE);
  b.writeUInt32LE(touchedSec >>> 0, AT_TOUCHED);
  b.writeUInt32LE(0, AT_TOUCHED + 4);
  return b;
}

/** The lru key of a stored key last touched in `sec` (seconds since the epoch). */
export function lruKey(sec: number, key: string): string {
  return (sec >>> 0).toString(16).padStart(8, '0') + key;
}

/** The key an lru key stands for. */
export function lruTarget(k: string): string {
  return k.slice(8);
}

/** The machine's totals, one record in `meta`. */
export interface Totals {
  seq: number;
  bytes: number;
  entries: number;
  evictions: number;
}

export function readTotals(meta: Db): Totals {
  const b = meta.getBinaryFast('totals');
  if (b === undefined || b.length < 32) return { seq: 0, bytes: 0, entries: 0, evictions: 0 };
  return {
    seq: b.readDoubleLE(0),
    bytes: b.readDoubleLE(8),
    entries: b.readDoubleLE(16),
    evictions: b.readDoubleLE(24),
  };
}

export function writeTotals(meta: Db, t: Totals): void {
  const b = Buffer.allocUnsafe(32);
  b.writeDoubleLE(t.seq, 0);
  b.writeDoubleLE(t.bytes, 8);
  b.writeDoubleLE(t.entries, 16);
  b.writeDoubleLE(t.evictions, 24);
  meta.putSync('totals', b);
}
