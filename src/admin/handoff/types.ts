/**
 * The handoff report (docs/handoff.md): exactly five top-level keys — a promise to users —
 * and everything else under `details`. Inputs are plain JSON so that a worker can send its own
 * over IPC and the supervisor's primary can merge them (merge.ts).
 */
import type { ListenerTlsView } from '../../proxy/tls/view.js';
import type { PoolView } from '../../proxy/upstream/types.js';
import type { Change } from '../../telemetry/changes.js';
import type { ProcessLoad } from '../../telemetry/process-load.js';
import type { RouteBreakerState } from '../../telemetry/route-breakers.js';
import type { TrafficSnapshot } from '../../telemetry/traffic-window.js';

export type SystemHealth = 'healthy' | 'degraded' | 'critical';

/** A firing alert (fed by the SLO engine; empty until it exists). */
export interface FiringAlert {
  name: string;
  /** `critical` (e.g. an SLO's error budget exhausted) makes the report critical; `warning` degraded. */
  severity: 'critical' | 'warning';
  summary: string;
  since: string; // ISO time
}

/** A budget policy action in force (docs/slo-runtime.md "Budget policy"). */
export interface PolicyActionView {
  slo: string;
  action: string; // stop_retries | shed_share | freeze_reloads
  routes: string[];
  share?: number;
  reason: string;
  since: string; // ISO time
}

export interface PoolConcurrency {
  pool: string;
  in_flight: number;
  limit: number; // concurrency.max_in_flight; 0 = unlimited (not a load resource)
}

export interface HandoffInputs {
  now: number; // epoch ms
  config_version: string;
  draining: boolean;
  workers: number; // 1 in one process
  pools: PoolView[];
  /** Pools marked `optional: true` in the config. */
  optional_pools: string[];
  concurrency: PoolConcurrency[];
  load: ProcessLoad;
  route_breakers: RouteBreakerState[];
  alerts: FiringAlert[];
  /** SLO budget policy actions in force; absent = none. */
  policy_actions?: PolicyActionView[];
  /** The TLS listeners' certificates (docs/tls.md, "Expiry"); absent = none. */
  tls?: ListenerTlsView[];
  /** Newest first. */
  changes: Change[];
  traffic: TrafficSnapshot | null;
}

export interface HandoffThresholds {
  /** telemetry.scaling.threshold_percent: load at or above it is `degraded`; headroom = threshold − load. */
  threshold_percent: number;
}

export type IncidentKind =
  | 'pool_panic'
  | 'pool_down'
  | 'host_breaker'
  | 'route_breaker'
  | 'endpoint_failing'
  | 'alert'
  | 'certificate_expiring';

export interface Incident {
  kind: IncidentKind;
  pool?: string;
  host?: string;
  route?: string;
  /** An endpoint of `route` (endpoint_failing), e.g. "GET /broken". */
  endpoint?: string;
  alert?: string;
  /** certificate_expiring: the listener and the certificate (its first SNI name). */
  listener?: string;
  certificate?: string;
  state?: string;
  since?: string;
  description: string;
  /** What this incident counts in place of (e.g. a pool in panic subsumes its hosts' breakers). */
  subsumes?: string[];
}

export interface HandoffDetails {
  incidents: Incident[];
  health_reasons: string[];
  load: {
    cpu_percent: number;
    event_loop_utilization_percent: number;
    event_loop_delay_p99_ms: number;
    pools: Record<string, { in_flight: number; limit: number; percent: number | null }>;
    max_resource: string;
    window_ms: number;
  };
  thresholds: HandoffThresholds;
  pools: Array<{
    name: string;
    optional: boolean;
    available: number;
    total: number;
    panic: boolean;
    ejected: string[];
    unhealthy: string[];
    breakers_open: string[];
    /** Endpoints of the pool's routes whose endpoint breaker is not closed: "route GET /path". */
    endpoints_failing: string[];
  }>;
  route_breakers: RouteBreakerState[];
  alerts: FiringAlert[];
  policy_actions: PolicyActionView[];
  traffic: {
    window_seconds: number;
    requests: number;
    errors_5xx: number;
    error_rate: number;
    p95_ms: number | null;
  } | null;
  config_version: string;
  draining: boolean;
  workers: number;
  generated_at: string;
  derivation: string;
}

export interface HandoffReport {
  system_health: SystemHealth;
  current_load: string;
  scaling_headroom: string;
  active_incidents: number;
  recent_changes: Change[];
  details: HandoffDetails;
}
