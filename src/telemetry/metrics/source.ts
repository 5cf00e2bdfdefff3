/**
 * What the metrics read from the gateway at scrape time. Telemetry may not import proxy types
 * (docs/architecture.md, "Rooms"), so these are the minimal structural shapes of the admin pool
 * views (src/proxy/upstream/types.ts PoolView): the composition root passes the gateway's views
 * in (src/app/observers.ts).
 */

export type BreakerStateLike = 'closed' | 'open' | 'half_open';

export interface HostViewLike {
  readonly name: string;
  readonly healthy: boolean;
  readonly ejected: boolean;
  readonly breaker: { readonly state: BreakerStateLike } | null;
}

export interface PoolViewLike {
  readonly name: string;
  readonly panic: boolean;
  readonly available: number;
  readonly queue_depth: number;
  readonly hosts: readonly HostViewLike[];
}

/** The edge cache's stores (src/proxy/cache/edge.ts EdgeCacheStats). */
export interface CacheStatsLike {
  readonly entries: number;
  readonly bytes: number;
  readonly evictions: number;
  readonly redis: { readonly up: boolean; readonly failures: number } | null;
}

export interface MetricsSource {
  /** The edge cache, or null when no route caches; absent = never. */
  cache?(): CacheStatsLike | null;
  /** The pools of the current config, read once per scrape. */
  pools(): readonly PoolViewLike[];
  /** The config version being served (keel_config_info). */
  configVersion(): string;
}
