import type { Exchange } from '../exchange.js';

export type RevalidationResult = 'not_modified' | 'modified' | 'failed';

/**
 * The cache.revalidate event (docs/caching.md, "Observed"): built only when someone listens
 * (docs/architecture.md, "Pay only when observed").
 */
export function revalidated(
  ex: Exchange,
  route: string,
  result: RevalidationResult,
  background: boolean,
): void {
  const ch = ex.gw.events.cacheRevalidate;
  if (ch.active) {
    ch.publish({ route, pool: ex.route?.pool.name ?? '', result, background, at: ex.gw.clock.now() });
  }
}
