import type { Config, PoolConfig, RouteConfig, RouteMatch } from '../config/types.js';
import type { EdgeCache } from './cache/edge.js';
import type { HeaderRules } from './headers.js';
import type { Link } from './link.js';
import type { Router } from './router.js';
import type { UpstreamPool } from './upstream/types.js';

/** A route compiled for one config version: its pool and its chain of policy links. */
export interface CompiledRoute {
  readonly name: string;
  readonly match: RouteMatch;
  readonly config: RouteConfig;
  readonly pool: UpstreamPool;
  /** The entry link of the chain (chain.ts). */
  readonly chain: Link;
  readonly maxBody: number;
}

export interface PoolEntry {
  readonly config: PoolConfig;
  readonly pool: UpstreamPool;
}

/**
 * Everything compiled from one config version. A request captures the snapshot current when it
 * arrives and finishes on it, so a reload never changes a request half-way (issue 2,
 * "Configuration"); `refs` counts those requests so retired pools close only once unused.
 */
export interface Snapshot {
  readonly version: string;
  readonly config: Config;
  readonly router: Router<CompiledRoute>;
  readonly routes: readonly CompiledRoute[];
  readonly pools: ReadonlyMap<string, PoolEntry>;
  readonly rules: HeaderRules;
  /** The edge cache, when some route caches (kept across reloads while `cache:` is unchanged). */
  readonly cache: EdgeCache | null;
  refs: number;
}
