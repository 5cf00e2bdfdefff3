import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Random } from '../core/random.js';
import { EdgeCache } from './cache/edge.js';
import { compileRoute, routeBreakerFor } from './chain.js';
import type { GatewayContext } from './exchange.js';
import type { HeaderRules } from './headers.js';
import type { RouteBreaker } from './policy/breaker.js';
import { Router } from './router.js';
import type { CompiledRoute, Snapshot } from './snapshot.js';
import type { PoolEntry } from './snapshot-info.js';
import { loadUpstreamTls, sameUpstreamTls } from './tls/upstream.js';
import { TraceSetup } from './trace/links.js';
import { TrustedProxies } from './trust.js';
import { createPool } from './upstream/pool.js';

export interface CompileDeps {
  bus: EventBus;
  clock: Clock;
  random: Random;
  gw: GatewayContext;
  /** Where the machine's shared cache stores live (GatewayDeps.cacheMachineDir). */
  cacheMachineDir: string | null;
}

/**
 * Config → Snapshot. A pool whose PoolConfig is deep-equal to the previous version's is reused
 * as the same object, so its live state (breakers, ejections, EWMAs, connections) survives the
 * reload; a route breaker likewise when its route, pool and breaker config are unchanged.
 */
export function compileSnapshot(
  config: Config,
  version: string,
  prev: Snapshot | null,
  deps: CompileDeps,
  breakers: Map<string, RouteBreaker>,
): Snapshot {
  const pools = new Map<string, PoolEntry>();
  for (const [name, pc] of Object.entries(config.pools)) {
    const old = prev?.pools.get(name);
    // Files are re-read on every reload (SIGHUP after a CA or client certificate was renewed);
    // a broken one throws, and the reload is refused (docs/tls.md, "HTTPS upstreams").
    const tls = loadUpstreamTls(pc);
    if (old !== undefined && deepEqual(old.config, pc) && sameUpstreamTls(old.tls, tls)) pools.set(name, old);
    else
      pools.set(name, {
        config: pc,
        tls,
        pool: createPool(pc, { bus: deps.bus, clock: deps.clock, random: deps.random, tls }),
      });
  }
  const nextBreakers = new Map<string, RouteBreaker>();
  const routes: CompiledRoute[] = [];
  const trace = TraceSetup.of(config.telemetry.tracing);
  const via = config.proxy.via;
  const rules: HeaderRules = {
    trusted: new TrustedProxies(config.proxy.trusted_proxies),
    via: via === '' ? '' : `1.1 ${via}`,
    requestIdHeader: config.proxy.request_id_header.toLowerCase(),
  };
  const edge = edgeCacheFor(config, prev, deps.clock, deps.cacheMachineDir);
  const cache = edge === null ? null : { edge, via: rules.via };
  for (const r of config.routes) {
    const entry = pools.get(r.pool);
    if (entry === undefined) throw new RangeError(`route "${r.name}": unknown pool "${r.pool}"`);
    let rb = breakers.get(`${r.name}\u0000${r.pool}`) ?? null;
    if (rb === null || r.breaker === null || !deepEqual(rb.config, r.breaker))
      rb = routeBreakerFor(r, deps.gw);
    if (rb !== null) nextBreakers.set(`${r.name}\u0000${r.pool}`, rb);
    routes.push(compileRoute(r, entry.pool, entry.config, rb, trace, cache));
  }
  breakers.clear();
  for (const [k, v] of nextBreakers) breakers.set(k, v);
  // A route that moved away or lost its endpoint breaker leaves no endpoint state behind.
  for (const { pool } of pools.values()) {
    const served = config.routes.filter((r) => r.pool === pool.name && r.endpoint_breaker.enabled);
    pool.keepEndpoints(new Set(served.map((r) => r.name)));
  }
  return { version, config, router: new Router(routes), routes, pools, rules, cache: edge, refs: 0 };
}

/**
 * The edge cache of a config: none when no route caches; the previous one while `cache:` is
 * unchanged, so a reload keeps what is stored (the gateway closes a replaced one once unused).
 */
function edgeCacheFor(
  config: Config,
  prev: Snapshot | null,
  clock: Clock,
  machineDir: string | null,
): EdgeCache | null {
  if (!config.routes.some((r) => r.cache?.enabled)) return null;
  const old = prev?.cache ?? null;
  if (old !== null && deepEqual(old.config, config.cache)) return old;
  return new EdgeCache(config.cache, clock, machineDir);
}

/** Structural equality of plain config data (objects, arrays, scalars). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) if (!Object.hasOwn(rb, k) || !deepEqual(ra[k], rb[k])) return false;
  return true;
}
