/**
 * Cross-field checks, run after the schema on whatever parts resolved (a broken route does not
 * hide the problems of the others). Every problem is collected; none stops the rest.
 */

import { adminExposure } from './admin-exposure.js';
import { IDEMPOTENT_METHODS } from './defaults.js';
import { formatDuration } from './duration.js';
import { checkBreaker, checkPool, pusher } from './semantic-pool.js';
import { checkPoolTls, checkRouteHsts } from './semantic-tls.js';
import { didYouMean, listOf } from './suggest.js';
import type { Config, ConfigProblem, ListenerConfig, PoolConfig, RouteConfig } from './types.js';

export interface PartialConfig {
  listeners: ListenerConfig[] | null;
  admin: Config['admin'] | null;
  /** Every pool key in the file; null where the pool itself had schema problems. */
  pools: Map<string, PoolConfig | null>;
  /** Every route in the file, in order; null where the route had schema problems. */
  routes: Array<RouteConfig | null>;
  /** routes[i].pool as written (a string) even where the route had other problems. */
  poolRefs: Array<string | undefined>;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export function checkSemantics(c: PartialConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const push = pusher(out);
  const listeners = c.listeners ?? [];
  const names = new Map<string, number>();
  listeners.forEach((l, i) => {
    const dup = names.get(l.name);
    if (dup !== undefined)
      push(
        ['listeners', i, 'name'],
        'duplicate',
        `duplicate listener name "${l.name}" (also listeners[${dup}])`,
        'give each listener a distinct name',
      );
    else names.set(l.name, i);
    if (l.port === 0) return;
    const j = listeners.findIndex((o, k) => k < i && o.port === l.port && overlaps(o.host, l.host));
    if (j !== -1)
      push(
        ['listeners', i, 'port'],
        'duplicate',
        `${l.host}:${l.port} is already used by listeners[${j}]`,
        'use a different port or host',
      );
  });
  const admin = c.admin;
  const exposed = admin === null ? null : adminExposure(admin.host, admin.token);
  if (exposed !== null) push(['admin', 'token'], 'admin_without_token', exposed.message, exposed.hint);
  if (admin !== null && admin.port !== 0) {
    const j = listeners.findIndex((l) => l.port === admin.port);
    if (j !== -1)
      push(
        ['admin', 'port'],
        'port_conflict',
        `${admin.port} is also the port of listeners[${j}] ("${listeners[j]!.name}")`,
        'give the admin server its own port (default 9901), or 0 for any free port',
      );
  }
  for (const pool of c.pools.values()) {
    if (pool === null) continue;
    checkPool(pool, push);
    checkPoolTls(pool, push);
  }
  checkRoutes(c, push);
  return out;
}

function overlaps(a: string, b: string): boolean {
  return a === b || WILDCARD_HOSTS.has(a) || WILDCARD_HOSTS.has(b);
}

function checkRoutes(c: PartialConfig, push: ReturnType<typeof pusher>): void {
  const known = [...c.pools.keys()];
  const names = new Map<string, number>();
  c.poolRefs.forEach((pool, i) => {
    if (pool === undefined) return;
    if (!c.pools.has(pool)) {
      const list = known.length === 0 ? 'none' : listOf(known);
      const hint = `${didYouMean(pool, known)}define pools.${pool} or use one of the known pools`;
      push(['routes', i, 'pool'], 'unknown_reference', `unknown pool "${pool}" (known: ${list})`, hint);
    } else if (c.pools.get(pool)?.hosts.length === 0) {
      push(['routes', i, 'pool'], 'empty_pool', `pool "${pool}" has no hosts`, `add hosts to pools.${pool}`);
    }
  });
  c.routes.forEach((r, i) => {
    if (r === null) return;
    const dup = names.get(r.name);
    if (dup !== undefined)
      push(
        ['routes', i, 'name'],
        'duplicate',
        `duplicate route name "${r.name}" (also routes[${dup}])`,
        'give each route a distinct name',
      );
    else names.set(r.name, i);
    const { retry, hedge } = r;
    if (retry.backoff.max < retry.backoff.base) {
      push(
        ['routes', i, 'retry', 'backoff', 'max'],
        'invalid_range',
        `${formatDuration(retry.backoff.max)} is shorter than base ${formatDuration(retry.backoff.base)}`,
        'make backoff.max >= backoff.base',
      );
    }
    if (hedge.enabled) {
      // Hedging sends the same request twice at once: safe only for idempotent methods (RFC 9110 §9.2.2).
      const unsafe = retry.methods.filter((m) => !IDEMPOTENT_METHODS.includes(m));
      if (unsafe.length > 0)
        push(
          ['routes', i, 'hedge', 'enabled'],
          'unsafe_hedge',
          `hedging needs idempotent methods, but retry.methods has ${listOf(unsafe)}`,
          `remove ${listOf(unsafe)} from retry.methods or disable hedging (RFC 9110 §9.2.2)`,
        );
      if (hedge.delay !== 'auto' && hedge.delay >= r.timeout)
        push(
          ['routes', i, 'hedge', 'delay'],
          'invalid_range',
          `${formatDuration(hedge.delay)} is not shorter than the route timeout ${formatDuration(r.timeout)}`,
          'use a hedge delay well below the timeout (about the p95 latency)',
        );
    }
    if (r.breaker !== null) checkBreaker(r.breaker, ['routes', i, 'breaker'], push);
    const eb = r.endpoint_breaker;
    if (eb.max_open_timeout < eb.open_timeout)
      push(
        ['routes', i, 'endpoint_breaker', 'max_open_timeout'],
        'invalid_range',
        `${formatDuration(eb.max_open_timeout)} is shorter than open_timeout ${formatDuration(eb.open_timeout)}`,
        'make max_open_timeout >= open_timeout (the OPEN time doubles up to it)',
      );
    checkRouteHsts(r, i, push);
  });
}
