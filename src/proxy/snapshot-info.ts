import type { Config, PoolConfig, RouteConfig, RouteMatch } from '../config/types.js';
import type { EdgeCache } from './cache/edge.js';
import type { HeaderRules } from './headers.js';
import type { UpstreamTls } from './tls/upstream.js';
import type { UpstreamPool } from './upstream/types.js';

/*
 * What an exchange keeps of its config version and of its route: the compiled Snapshot and
 * CompiledRoute (snapshot.ts) without the routes' chains. A request enters its route's chain
 * once, from handle.ts, and moves on through each link's `next`, so the exchange never needs a
 * chain; typing its fields with these keeps exchange.ts from importing the links, which import
 * the exchange (docs/architecture.md, "The exchange: who writes, who reads").
 */

export interface PoolEntry {
  readonly config: PoolConfig;
  /** The pool's TLS files as read for this version (a reload keeps the pool only if they are unchanged). */
  readonly tls: UpstreamTls | null;
  readonly pool: UpstreamPool;
}

/** A route of one config version, as the requests it matched see it. */
export interface RouteInfo {
  readonly name: string;
  readonly match: RouteMatch;
  readonly config: RouteConfig;
  readonly pool: UpstreamPool;
  readonly maxBody: number;
}

/**
 * One config version, as the requests that started on it see it. A request finishes on the
 * version it arrived on, so a reload never changes a request half-way (docs/proxying.md,
 * "Reload"); `refs` counts those requests so retired pools close only once unused.
 */
export interface SnapshotInfo {
  readonly version: string;
  readonly config: Config;
  readonly pools: ReadonlyMap<string, PoolEntry>;
  readonly rules: HeaderRules;
  /** The edge cache, when some route caches (kept across reloads while `cache:` is unchanged). */
  readonly cache: EdgeCache | null;
  refs: number;
}
