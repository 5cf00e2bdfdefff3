/**
 * The events the data plane publishes, and the bus they travel on.
 *
 * The proxy never imports telemetry (docs/architecture.md, "Rooms"): metrics, logs, traces and the
 * SLO engine subscribe here. Publishing costs one boolean check when nobody listens
 * (docs/architecture.md, "Pay only when observed"): callers write `if (ch.active)
 * ch.publish(build())` so the payload is not even built.
 *
 * A bus is an object, not a process-global like node:diagnostics_channel, so that two gateways in
 * one process (tests, embedding) never see each other's events.
 */

export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** How one upstream try ended, as the data plane classifies it. */
export type TryErrorKind =
  | 'connect' // could not open a connection (refused, unreachable, connect timeout)
  | 'timeout' // no response head before the first-byte timeout
  | 'idle' // the body stalled past the idle timeout
  | 'reset' // the connection was reset or closed mid-exchange
  | 'aborted' // we aborted it (client gone, hedge lost, deadline)
  | 'breaker_open' // refused locally: the host's breaker is open
  | 'other';

/** A request matched a route (published once per routed request; unmatched ones only end). */
export interface RequestStartEvent {
  requestId: string;
  route: string;
  pool: string;
  method: string;
  at: number; // epoch ms when the request arrived
}

export interface RequestDoneEvent {
  requestId: string;
  route: string; // route name, '' when no route matched
  pool: string; // '' when no route matched
  method: string;
  path: string; // request path as the client sent it, without the query
  status: number; // status sent to the client (0 if the client went away before a head)
  durationMs: number;
  tries: number; // upstream tries, including retries and hedges
  host: string; // host that produced the answer, '' if none
  errorCode: string; // KEEL_ERR_* when Keel produced the answer, '' otherwise
  cache: string; // cache outcome ('' when no cache on the route)
  shed: boolean;
  traceId: string; // W3C trace id (32 hex), '' when tracing is off or no route matched
  spanId: string; // the server span (16 hex), '' when not traced
  parentSpanId: string; // the caller's span from a valid incoming traceparent, '' for a root span
  traceFlags: number; // W3C trace-flags: bit 0 = sampled
  startedAt: number; // epoch ms when the request arrived
  at: number; // epoch ms when the request finished
}

export interface TryDoneEvent {
  requestId: string;
  route: string;
  pool: string;
  host: string;
  attempt: number; // 0 for the first try
  hedge: boolean;
  status: number; // 0 when the try failed without a response
  error: TryErrorKind | '';
  durationMs: number;
  breakerState: BreakerStateName;
  traceId: string; // '' when tracing is off
  spanId: string; // the client span id sent upstream in traceparent, '' when not traced
  parentSpanId: string; // the request's server span
  traceFlags: number;
  startedAt: number; // epoch ms when the try started
  url: string; // the upstream origin, e.g. "http://10.0.0.7:8080"
  method: string; // the request method sent upstream
}

export interface BreakerTransitionEvent {
  scope: 'host' | 'route';
  pool: string;
  host: string; // '' for a route breaker
  route: string; // '' for a host breaker
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
  at: number;
}

export interface HostEjectedEvent {
  pool: string;
  host: string;
  reason: 'consecutive_5xx' | 'consecutive_gateway_failure' | 'latency' | 'failure_rate';
  ejectionMs: number;
  ejections: number; // how many times this host has been ejected (drives the growing duration)
  at: number;
}

/**
 * An endpoint breaker changed state (docs/health.md, "Endpoints"): an endpoint of a route that
 * fails on every host is refused on its own (open), probed (half_open), or served again (closed).
 */
export interface EndpointTransitionEvent {
  pool: string;
  route: string;
  /** The endpoint: method and path pattern, e.g. "GET /broken" or "GET /users/{id}". */
  endpoint: string;
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
  /** Hosts whose latest answer for the endpoint was a failure, when it opened; 0 otherwise. */
  failingHosts: number;
  at: number;
}

export interface HostRestoredEvent {
  pool: string;
  host: string;
  /**
   * The host's active health verdict when its ejection ended (true without active checks). A
   * host still failing its checks stays out of rotation: its ejection ended, it did not recover.
   */
  healthy: boolean;
  at: number;
}

export interface HealthCheckEvent {
  pool: string;
  host: string;
  ok: boolean;
  status: number;
  error: string;
  durationMs: number;
}

export interface HealthChangedEvent {
  pool: string;
  host: string;
  healthy: boolean;
  at: number;
}

export interface PanicEvent {
  pool: string;
  panic: boolean;
  available: number;
  total: number;
  at: number;
}

/**
 * A stored response was revalidated upstream (docs/caching.md): with the client waiting, or in the
 * background.
 */
export interface CacheRevalidateEvent {
  route: string;
  pool: string;
  /** not_modified: a 304 freshened it; modified: a new response came; failed: error, timeout or 5xx. */
  result: 'not_modified' | 'modified' | 'failed';
  /** True for a stale-while-revalidate refresh (no client waiting). */
  background: boolean;
  at: number;
}

export interface ShedEvent {
  pool: string;
  route: string;
  reason: 'queue_full' | 'queue_timeout' | 'draining' | 'budget_policy'; // budget_policy: an SLO's shed_share
  queueDepth: number;
  at: number;
}

export interface RetryEvent {
  requestId: string;
  pool: string;
  route: string;
  attempt: number; // the attempt about to start
  reason: string; // e.g. 'status_503', 'connect', 'timeout', 'hedge'
  allowed: boolean; // false when the retry budget, the deadline or a budget policy refused it
  // policy: an SLO's stop_retries; endpoint: the endpoint fails on the other hosts too, or its
  // breaker is not closed (docs/proxying.md, "Retries")
  refusedBy: '' | 'budget' | 'deadline' | 'attempts' | 'policy' | 'endpoint';
}

export interface ConfigReloadEvent {
  ok: boolean;
  version: string;
  source: 'sighup' | 'api' | 'startup';
  problems: string[];
  at: number;
}

/**
 * A TLS listener re-read its certificate files after they changed on disk (docs/tls.md,
 * "Reload"). Refused: the files are broken (`problem` says what, where and how to fix) and the
 * certificates in use stay. A config reload reports its own problems in config.reload.
 */
export interface TlsReloadEvent {
  listener: string;
  ok: boolean;
  problem: string; // '' when ok
  at: number;
}

/** An HTTP/2 client passed a flood limit and its connection was closed (docs/http2.md, "Limits"). */
export interface Http2AbuseEvent {
  listener: string;
  reason: 'rapid_reset' | 'settings_flood' | 'ping_flood';
  peer: string; // the client address
  at: number;
}

export interface DrainEvent {
  phase: 'start' | 'done';
  inFlight: number;
  at: number;
}

/**
 * An SLO burn-rate alert changed state (docs/slo.md, "Alert tiers"). Published by the SLO engine;
 * alert senders, logs, metrics and the handoff report subscribe. `key` is stable per SLO and tier,
 * so senders use it as the dedup key (PagerDuty dedup_key, Opsgenie alias, Alertmanager labels).
 */
export interface SloAlertEvent {
  key: string; // `${slo}:${tier}`
  slo: string;
  tier: string;
  severity: 'critical' | 'warning';
  state: 'firing' | 'resolved';
  objective: number; // percent
  window: string; // e.g. "30d"
  burnRateLong: number;
  burnRateShort: number;
  threshold: number; // the tier's burn rate
  longWindow: string; // e.g. "1h"
  shortWindow: string; // e.g. "5m"
  budgetRemaining: number; // share of the window's budget left, may be < 0
  runbookUrl: string;
  receivers: string[]; // empty = all
  summary: string; // one human line
  at: number; // epoch ms
}

export interface KeelEvents {
  'request.start': RequestStartEvent;
  'request.done': RequestDoneEvent;
  'try.done': TryDoneEvent;
  'breaker.transition': BreakerTransitionEvent;
  'host.ejected': HostEjectedEvent;
  'endpoint.transition': EndpointTransitionEvent;
  'host.restored': HostRestoredEvent;
  'health.check': HealthCheckEvent;
  'health.changed': HealthChangedEvent;
  'pool.panic': PanicEvent;
  shed: ShedEvent;
  retry: RetryEvent;
  'config.reload': ConfigReloadEvent;
  'tls.reload': TlsReloadEvent;
  'http2.abuse': Http2AbuseEvent;
  drain: DrainEvent;
  'slo.alert': SloAlertEvent;
  'cache.revalidate': CacheRevalidateEvent;
}

export type EventName = keyof KeelEvents;

/** One named channel. `active` is a plain field so the hot path reads it without a call. */
export class Channel<T> {
  active = false;
  #subs: Array<(e: T) => void> = [];
  subscribe(fn: (e: T) => void): () => void {
    this.#subs = [...this.#subs, fn];
    this.active = true;
    return () => {
      this.#subs = this.#subs.filter((f) => f !== fn);
      this.active = this.#subs.length > 0;
    };
  }
  publish(e: T): void {
    // Copy-on-write array: a subscriber that unsubscribes during publish does not skip others.
    const subs = this.#subs;
    for (let i = 0; i < subs.length; i++) {
      try {
        subs[i]!(e);
      } catch {
        // A broken subscriber must never break a request (defense in depth).
      }
    }
  }
}

export class EventBus {
  readonly #channels = new Map<EventName, Channel<unknown>>();
  channel<K extends EventName>(name: K): Channel<KeelEvents[K]> {
    let ch = this.#channels.get(name);
    if (!ch) {
      ch = new Channel<unknown>();
      this.#channels.set(name, ch);
    }
    return ch as Channel<KeelEvents[K]>;
  }
  on<K extends EventName>(name: K, fn: (e: KeelEvents[K]) => void): () => void {
    return this.channel(name).subscribe(fn);
  }
}
