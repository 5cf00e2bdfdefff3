/**
 * Readiness as data: the /readyz body (application/health+json, draft-inadarei-api-health-check)
 * derived from plain inputs, so the rules are unit-tested without a gateway.
 *
 * Rules (docs/observability.md, "Health endpoints"): fail when draining, when no config is loaded,
 * or when a required pool has no available host; a pool marked `optional: true` with no available
 * host is `warn` (a nice-to-have dependency is down: keep receiving traffic). The draft maps pass
 * and warn to a 2xx and fail to a 4xx/5xx (§3.1); we answer 503 so load balancers stop sending.
 */
import type { HealthStatus, ReadyBody, ReadyCheck } from './api-types.js';

export interface PoolReadiness {
  name: string;
  available: number;
  total: number;
  optional: boolean;
}

export interface ReadinessInput {
  version: string; // Keel's version
  releaseId: string; // the config version ('' when none is loaded)
  configLoaded: boolean;
  draining: boolean;
  pools: readonly PoolReadiness[];
  now: number; // epoch ms
}

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  return RANK[b] > RANK[a] ? b : a;
}

/** The HTTP status for a health status (draft §3.1): pass and warn are 200, fail is 503. */
export function httpStatus(s: HealthStatus): 200 | 503 {
  return s === 'fail' ? 503 : 200;
}

/** The overall status: the worst status of any check entry. */
export function overall(checks: Record<string, ReadyCheck[]>): HealthStatus {
  let s: HealthStatus = 'pass';
  for (const entries of Object.values(checks)) for (const c of entries) s = worst(s, c.status);
  return s;
}

export function poolCheck(p: PoolReadiness, time: string): ReadyCheck {
  const down = p.available === 0;
  return {
    componentType: 'pool',
    status: down ? (p.optional ? 'warn' : 'fail') : 'pass',
    observedValue: p.available,
    observedUnit: 'hosts',
    time,
    output: `${p.available}/${p.total} hosts available${down && p.optional ? ' (optional pool)' : ''}`,
  };
}

export function deriveReadiness(i: ReadinessInput): ReadyBody {
  const time = new Date(i.now).toISOString();
  const checks: Record<string, ReadyCheck[]> = {
    'config:loaded': [
      {
        componentType: 'component',
        status: i.configLoaded ? 'pass' : 'fail',
        observedValue: i.configLoaded,
        time,
        output: i.configLoaded ? `serving config ${i.releaseId}` : 'no config loaded',
      },
    ],
    'gateway:draining': [
      {
        componentType: 'system',
        status: i.draining ? 'fail' : 'pass',
        observedValue: i.draining,
        time,
        output: i.draining ? 'shutting down: not accepting new traffic' : 'accepting traffic',
      },
    ],
  };
  for (const p of i.pools) checks[`pool:${p.name}`] = [poolCheck(p, time)];
  return { status: overall(checks), version: i.version, releaseId: i.releaseId, checks };
}
