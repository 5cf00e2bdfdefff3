import { randomFillSync } from 'node:crypto';

/**
 * Fills a buffer with random bytes: crypto.randomFillSync, or a script in tests
 * (docs/architecture.md, "Injected time and randomness").
 */
export type FillRandom = (buf: Buffer) => void;

const POOL_BYTES = 4096;

/**
 * Trace and span ids (W3C Trace Context §3.2.2.3-4: 16 and 8 random bytes, hex, not all zero).
 * One randomFillSync call fills a pooled buffer that serves ~250 requests, instead of a call (and
 * a Buffer) per id; ids are hex strings because they travel in headers and events as text.
 */
export class TraceIds {
  readonly #fill: FillRandom;
  readonly #pool: Buffer;
  #at: number;

  constructor(fill: FillRandom = randomFillSync, poolBytes = POOL_BYTES) {
    this.#fill = fill;
    this.#pool = Buffer.allocUnsafe(poolBytes);
    this.#at = poolBytes;
  }

  /** 32 hex digits. */
  traceId(): string {
    return this.#next(16);
  }

  /** 16 hex digits. */
  spanId(): string {
    return this.#next(8);
  }

  #next(bytes: number): string {
    const pool = this.#pool;
    for (;;) {
      if (this.#at + bytes > pool.length) {
        this.#fill(pool);
        this.#at = 0;
      }
      const from = this.#at;
      this.#at += bytes;
      // All zeros is the invalid id (§3.2.2.3): vanishingly rare, so just draw again.
      for (let i = from; i < from + bytes; i++)
        if (pool[i] !== 0) return pool.toString('hex', from, from + bytes);
    }
  }
}

/** One pool per process: ids need no per-gateway state. */
export const traceIds = new TraceIds();
