import type { Dispatcher } from 'undici';
import type { EndpointBreakerConfig } from '../../config/types.js';
import type { CircuitBreaker } from '../../core/breaker.js';
import type { BreakerStateName } from '../../core/events.js';
import type { ConcurrencyLimiter } from '../../core/limiter.js';
import type { RetryBudget } from '../../core/retry-budget.js';
import type { BalancerHost, PickContext } from '../balancer/types.js';
import type { TryOutcome } from '../contracts.js';
import type { Endpoint, EndpointView } from './endpoint.js';
import type { EndpointTable } from './endpoints.js';

export type { EndpointView };

/** The live state of one upstream instance, as the request path sees it. */
export interface UpstreamHost extends BalancerHost {
  /** Position in its pool (0..hosts-1): indexes per-host arrays such as an endpoint's. */
  readonly index: number;
  readonly name: string;
  readonly origin: string; // "http://127.0.0.1:8081"
  /** undici keep-alive pool for this origin, built once per host. */
  readonly dispatcher: Dispatcher;
  readonly breaker: CircuitBreaker | null;
}

/** Admin/API view of one host (plain data, JSON-safe). */
export interface HostView {
  name: string;
  origin: string;
  weight: number;
  effective_weight: number;
  healthy: boolean; // active health verdict (true when no active check)
  ejected: boolean;
  ejected_until: string | null; // ISO time
  ejections: number;
  breaker: { state: BreakerStateName; opened_at: string | null; retry_after_ms: number } | null;
  slow_start: boolean;
  in_flight: number;
  latency_ewma_ms: number;
  state:
    | 'healthy'
    | 'unhealthy'
    | 'ejected'
    | 'breaker_open'
    | 'breaker_half_open'
    | 'slow_start'
    | 'draining';
}

export interface PoolView {
  name: string;
  algorithm: string;
  panic: boolean;
  available: number;
  total: number;
  in_flight: number;
  queue_depth: number;
  retry_budget: { active_requests: number; active_retries: number; max_retries: number };
  hosts: HostView[];
  /** Endpoints of the pool's routes that are not closed or failed in their window (docs/health.md). */
  endpoints: EndpointView[];
}

export interface UpstreamPool {
  readonly name: string;
  readonly hosts: readonly UpstreamHost[];
  readonly retryBudget: RetryBudget;
  /** The pool's bulkhead (concurrency.max_in_flight > 0), or null when unlimited. */
  readonly limiter: ConcurrencyLimiter | null;
  /**
   * Choose a host among the candidates (healthy, not ejected, breaker not open), or among all
   * hosts in panic mode. Undefined only when the pool has no host at all.
   */
  pick(ctx: PickContext): UpstreamHost | undefined;
  /** A try is about to be sent to `host` (counts in-flight). Returns false if its breaker refuses. */
  tryStart(host: UpstreamHost): boolean;
  /**
   * The try ended: updates in-flight, latency EWMA, outlier detection and the host breaker, and
   * the request's endpoint when its route tracks endpoints (judged together: docs/health.md,
   * "Judged against its peers"). `now` is the current clock reading when the caller has one
   * (saves reading it again).
   */
  tryEnd(host: UpstreamHost, outcome: TryOutcome, now?: number, endpoint?: Endpoint | null): void;
  /**
   * The endpoint table of a route served by this pool: the same one while the route's prefix and
   * endpoint_breaker config are unchanged, so endpoint state survives a reload like host state.
   */
  endpoints(route: string, prefix: string, config: EndpointBreakerConfig): EndpointTable;
  /** Forgets the tables of routes no longer served by this pool (after a reload). */
  keepEndpoints(routes: ReadonlySet<string>): void;
  /** Starts active health checks and timers. */
  start(): void;
  /** Stops timers and closes upstream connections. */
  close(): Promise<void>;
  view(): PoolView;
}
