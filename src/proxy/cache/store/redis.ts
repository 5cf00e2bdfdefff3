import { Redis, type RedisOptions } from 'ioredis';
import { bounded, TIMED_OUT } from './bounded.js';
import { decodeEntry, encodeEntry, globEscape } from './codec.js';
import type { CacheStore, CacheStoreStats, StoredEntry, StoreHit } from './types.js';

export interface RedisStoreOptions {
  /** redis://host:port/db; ignored when `client` is given. */
  url?: string;
  /** Extra ioredis options (host, port, password, tls...), merged under the fail-fast ones below. */
  redis?: RedisOptions;
  /** Prepended to every key, so a fleet can share one Redis with other users. Default "keel:cache:". */
  keyPrefix?: string;
  /** Budget of every get/set/delete, ms. Default 50. */
  timeoutMs?: number;
  /** Budget of a whole purgePrefix (an admin action, not on the request path), ms. Default 5000. */
  purgeTimeoutMs?: number;
  /** Cap of the reconnect backoff, ms. Default 2000. */
  maxReconnectDelayMs?: number;
}

export interface RedisStoreHealth {
  /** True since the last failed operation, until one succeeds. */
  degraded: boolean;
  /** Operations answered as miss / no-op: timeouts + errors. */
  failures: number;
  timeouts: number;
  /** ioredis status: "ready" when commands can run. */
  status: string;
}

/**
 * The shared tier for a fleet (docs/caching.md, "Tiers"). Every operation is bounded by a short timeout
 * and resolves as a miss / no-op when Redis is slow, down or unreachable: no request fails because
 * the cache failed. `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` make calls fail
 * fast while disconnected instead of queueing; ioredis reconnects by itself with a capped backoff.
 */
export class RedisStore implements CacheStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #purgeTimeoutMs: number;
  #degraded = false;
  #failures = 0;
  #timeouts = 0;

  constructor(opts: RedisStoreOptions = {}) {
    this.#prefix = opts.keyPrefix ?? 'keel:cache:';
    this.#timeoutMs = opts.timeoutMs ?? 50;
    this.#purgeTimeoutMs = opts.purgeTimeoutMs ?? 5000;
    const cap = opts.maxReconnectDelayMs ?? 2000;
    const options: RedisOptions = {
      ...opts.redis,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1000, this.#timeoutMs * 10),
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), cap),
    };
    this.#client = opts.url !== undefined ? new Redis(opts.url, options) : new Redis(options);
    // ioredis emits 'error' on every failed connection attempt; the counters below tell the story.
    this.#client.on('error', () => {
      this.#degraded = true;
    });
  }

  health(): RedisStoreHealth {
    return {
      degraded: this.#degraded,
      failures: this.#failures,
      timeouts: this.#timeouts,
      status: this.#client.status,
    };
  }

  async lookup(key: string): Promise<StoreHit | undefined> {
    const k = this.#prefix + key;
    const res = await this.#run(this.#client.pipeline().getBuffer(k).pttl(k).exec(), this.#timeoutMs);
    if (res === undefined || res === null) return undefined;
    const [got, ttl] = res;
    if (got?.[0] || ttl?.[0]) return this.#failed(undefined);
    const buf = got?.[1];
    const ttlMs = ttl?.[1];
    if (!Buffer.isBuffer(buf) || typeof ttlMs !== 'number' || ttlMs <= 0) return undefined;
    const entry = decodeEntry(buf);
    return entry === undefined ? undefined : { entry, ttlMs };
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    return (await this.lookup(key))?.entry;
  }

  async set(key: string, entry: StoredEntry, ttlMs: number): Promise<void> {
    const ms = Math.floor(ttlMs);
    if (!(ms > 0)) return;
    await this.#run(this.#client.set(this.#prefix + key, encodeEntry(entry), 'PX', ms), this.#timeoutMs);
  }

  async delete(key: string): Promise<boolean> {
    const n = await this.#run(this.#client.unlink(this.#prefix + key), this.#timeoutMs);
    return n !== undefined && n > 0;
  }

  /** SCAN + UNLINK in batches; resolves with what was removed before any failure or the budget. */
  async purgePrefix(prefix: string): Promise<number> {
    const deadline = Date.now() + this.#purgeTimeoutMs;
    const match = globEscape(this.#prefix + prefix) + '*';
    let cursor = '0';
    let removed = 0;
    do {
      const left = deadline - Date.now();
      if (left <= 0) return this.#failed(removed, true);
      const page = await this.#run(this.#client.scan(cursor, 'MATCH', match, 'COUNT', 500), left);
      if (page === undefined) return removed;
      cursor = page[0];
      if (page[1].length > 0) {
        const n = await this.#run(this.#client.unlink(...page[1]), Math.max(1, deadline - Date.now()));
        if (n === undefined) return removed;
        removed += n;
      }
    } while (cursor !== '0');
    return removed;
  }

  stats(): CacheStoreStats {
    // The shared tier's size is Redis's to report (INFO memory); counting it here would need a
    // round trip per scrape.
    return { entries: 0, bytes: 0, evictions: 0, degraded: this.#failures };
  }

  async close(): Promise<void> {
    // disconnect() also stops reconnecting; quit() would wait on a Redis that may be down.
    this.#client.disconnect();
  }

  /** Runs one command within ms; undefined (and degraded counted) on timeout or error. */
  async #run<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
    try {
      const r = await bounded(work, ms);
      if (r === TIMED_OUT) {
        // The late result (or rejection) is dropped; catch it so it is never unhandled.
        work.catch(() => {});
        return this.#failed(undefined, true);
      }
      this.#degraded = false;
      return r;
    } catch {
      return this.#failed(undefined);
    }
  }

  #failed<T>(value: T, timeout = false): T {
    this.#degraded = true;
    this.#failures++;
    if (timeout) this.#timeouts++;
    return value;
  }
}
