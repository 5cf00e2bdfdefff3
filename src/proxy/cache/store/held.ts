import type { StoredEntry } from './types.js';

/**
 * This process's decoded copy of one stored entry, valid for exactly one stamp: a lookup reads the
 * entry's stamp from the machine store and uses the copy only when the stamps are equal, so a
 * copy can never answer for an entry that was deleted or replaced (docs/caching.md, "The machine
 * store"). Everything a route derives from an entry (its Prepared view, its raw-hit renders) hangs
 * off the copy's `entry` object, and is dropped with it. One fixed shape.
 */
export class Held {
  readonly key: string;
  readonly stamp: number;
  readonly entry: StoredEntry;
  /** When the store drops the entry (ms, the store's clock). */
  readonly expiresAt: number;
  /** What the entry counts against the byte budgets (entrySize). */
  readonly size: number;
  /** The second this process last moved the copy to the young end of its own LRU. */
  usedSec: number;
  /** The last second this process queued an access time for the entry (the store's LRU). */
  touchSec: number;
  /** The machine's last access second of the entry, as last read with its stamp. */
  touched: number;
  /** The read window (lmdb.ts, peek) in which the stamp was last read and found equal. */
  window: number;

  constructor(key: string, stamp: number, entry: StoredEntry, expiresAt: number, size: number, sec: number) {
    this.key = key;
    this.stamp = stamp;
    this.entry = entry;
    this.expiresAt = expiresAt;
    this.size = size;
    this.usedSec = sec;
    this.touchSec = sec;
    this.touched = sec;
    this.window = 0;
  }
}

/**
 * The decoded copies one process holds, LRU by bytes within `maxBytes`: only the entries this
 * process answers from, so a worker's heap holds its hot set, not the machine's store. A Map in
 * insertion order, a copy moved to the young end at most once a second (as MemoryStore does).
 */
export class HeldCopies {
  readonly #map = new Map<string, Held>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(key: string): Held | undefined {
    return this.#map.get(key);
  }

  /** Marks `h` used in `sec`; moves it to the young end once per second. */
  used(h: Held, sec: number): void {
    if (h.usedSec === sec) return;
    h.usedSec = sec;
    this.#map.delete(h.key);
    this.#map.set(h.key, h);
  }

  set(h: Held): void {
    this.drop(h.key);
    if (h.size > this.#maxBytes) return;
    while (this.#bytes + h.size > this.#maxBytes) {
      const first = this.#map.values().next();
      if (first.done) break;
      this.drop(first.value.key);
    }
    this.#map.set(h.key, h);
    this.#bytes += h.size;
  }

  drop(key: string): void {
    const old = this.#map.get(key);
    if (old === undefined) return;
    this.#map.delete(key);
    this.#bytes -= old.size;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#map.size;
  }
}
