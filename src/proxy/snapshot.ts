import type { Link } from './contracts.js';
import type { Exchange } from './exchange.js';
import type { Router } from './router.js';
import type { RouteInfo, SnapshotInfo } from './snapshot-info.js';

/** A route compiled for one config version: its pool and its chain of policy links. */
export interface CompiledRoute extends RouteInfo {
  /** The entry link of the chain (chain.ts). */
  readonly chain: Link<Exchange>;
}

/**
 * Everything compiled from one config version: what its requests keep (SnapshotInfo) and the
 * router that hands each new request its route's chain.
 */
export interface Snapshot extends SnapshotInfo {
  readonly router: Router<CompiledRoute>;
  readonly routes: readonly CompiledRoute[];
}
