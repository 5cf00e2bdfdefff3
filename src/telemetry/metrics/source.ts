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

/** One endpoint of a route, as the pool view lists it (src/proxy/upstream/endpoint.ts EndpointView). */
export interface EndpointViewLike {
  readonly route: string;
  readonly endpoint: string;
  readonly state: BreakerStateLike;
}

export interface PoolViewLike {
  readonly name: string;
  readonly panic: boolean;
  readonly available: number;
  readonly queue_depth: number;
  readonly hosts: readonly HostViewLike[];
  /** Endpoints not closed or failing lately; absent in views from before endpoints existed. */
  readonly endpoints?: readonly EndpointViewLike[];
}

/** The edge cache's stores (src/proxy/cache/edge.ts EdgeCacheStats). */
export interface CacheStatsLike {
  readonly entries: number;
  readonly bytes: number;
  readonly evictions: number;
  /** Requests of this process waiting on another request's fill (coalescing). */
  readonly waiting: number;
  readonly redis: { readonly up: boolean; readonly failures: number } | null;
}

/** A TLS listener's served certificates (src/proxy/tls/view.ts ListenerTlsView). */
export interface TlsListenerLike {
  readonly listener: string;
  readonly certificates: ReadonlyArray<{
    readonly names: readonly string[];
    readonly subject: string;
    readonly expires_in_seconds: number;
  }>;
}

export interface MetricsSource {
  /** The TLS listeners' certificates; absent = none. */
  tls?(): readonly TlsListenerLike[];
  /** The edge cache, or null when no route caches; absent = never. */
  cache?(): CacheStatsLike | null;
  /** The pools of the current config, read once per scrape. */
  pools(): readonly PoolViewLike[];
  /** The config version being served (keel_config_info). */
  configVersion(): string;
}
