/**
 * The resolved configuration: what the rest of Keel reads after parse → validate → default →
 * freeze. Every duration here is in milliseconds (the file may say "2s", "250ms" or a number of
 * ms); every field is present (defaults applied). The file format uses the same snake_case names.
 */

export type BalancerAlgorithm =
  | 'p2c_ewma'
  | 'round_robin'
  | 'least_conn'
  | 'weighted_round_robin'
  | 'ring_hash';

export interface HashKey {
  /** Exactly one of these is set. */
  header?: string;
  cookie?: string;
  path?: boolean;
}

export interface HostConfig {
  /** Origin of the instance: "http://127.0.0.1:8081". */
  url: string;
  weight: number; // >= 1
  /** Display name; defaults to host:port. */
  name: string;
}

export interface ActiveHealthConfig {
  path: string;
  interval: number;
  timeout: number;
  /** Status codes counted as healthy, e.g. [200] or every code in 200-399. */
  expected_statuses: number[];
  healthy_threshold: number;
  unhealthy_threshold: number;
}

export interface OutlierConfig {
  enabled: boolean;
  consecutive_5xx: number;
  consecutive_gateway_failures: number; // connect failures, resets, timeouts
  base_ejection: number; // first ejection lasts this long; doubles with each repeat
  max_ejection: number;
  /** Cap on the share of hosts ejected at once; one host may always be ejected (1 of 2 allowed). */
  max_ejection_percent: number;
  /** Latency outliers: a host whose EWMA exceeds factor × the pool's median (and min_latency). */
  latency: { enabled: boolean; factor: number; min_latency: number; min_requests: number };
  /**
   * Relative failures (docs/health.md, "Judged against its peers"): a host whose share of failed
   * tries over `window` exceeds its peers' by `excess`, with at least `min_requests` tries on it
   * and on its peers. Failures its peers share on the same endpoint are not counted.
   */
  failure_rate: { enabled: boolean; excess: number; min_requests: number; window: number };
}

export interface BreakerConfig {
  enabled: boolean;
  window: number; // rolling window length
  buckets: number; // time buckets in the window
  failure_rate_threshold: number; // 0..1, e.g. 0.5
  minimum_requests: number; // in the window before the rate is judged
  consecutive_failures: number; // 0 = off
  open_timeout: number; // first OPEN lasts this long
  max_open_timeout: number; // doubles on each re-open, capped here
  half_open_max_probes: number;
  /** What counts as a failure. */
  failure_on: { server_errors: boolean; timeouts: boolean; resets: boolean; statuses: number[] };
}

export interface ConcurrencyConfig {
  /** 0 = unlimited (no bulkhead link in the chain). */
  max_in_flight: number;
  max_queue: number;
  queue_timeout: number;
}

export interface RetryBudgetConfig {
  /** Retries in flight may be at most this share of active requests… */
  ratio: number;
  /** …but at least this many are always allowed. */
  min_concurrent: number;
}

export interface PoolConfig {
  name: string;
  hosts: HostConfig[];
  balancer: { algorithm: BalancerAlgorithm; hash_key: HashKey | null };
  timeouts: { connect: number; first_byte: number; idle: number };
  connections: { max_per_host: number; keep_alive_timeout: number };
  health: {
    active: ActiveHealthConfig | null;
    outlier: OutlierConfig;
    /** Below this share (percent) of available hosts, route to all hosts (panic mode). */
    panic_threshold_percent: number;
    /** Ramp length for a host that comes back; 0 = off. */
    slow_start: number;
  };
  breaker: BreakerConfig;
  concurrency: ConcurrencyConfig;
  retry_budget: RetryBudgetConfig;
  /** TLS toward the pool's https:// hosts; null = the system store, no client certificate. */
  tls: PoolTlsConfig | null;
  /**
   * An optional pool (a nice-to-have dependency): with no available host it marks readiness
   * `warn`, not `fail`, and the handoff report `degraded`, not `critical`.
   */
  optional: boolean;
}

export interface RetryConfig {
  enabled: boolean;
  max_attempts: number; // total tries including the first
  methods: string[]; // default: idempotent methods (RFC 9110 §9.2.2)
  on: { connect_failure: boolean; reset: boolean; timeout: boolean; statuses: number[] };
  backoff: { base: number; max: number };
  /** Honour Retry-After (seconds form) from a retryable answer, if it fits the deadline. */
  honor_retry_after: boolean;
}

export interface HedgeConfig {
  enabled: boolean;
  /**
   * Send a hedge after this long without a response head: a duration, or 'auto' — the route's
   * recent p95 time to first byte, never below `min_delay` (docs/proxying.md, "Hedging").
   */
  delay: number | 'auto';
  /** The floor of an 'auto' delay. */
  min_delay: number;
  max_hedges: number;
}

/**
 * The endpoint breaker of a route (docs/health.md, "Endpoints"): an endpoint (method + the first
 * `segments` path segments below the route's prefix, ids collapsed) that fails on every host is
 * answered 503 without calling the upstreams, while the route's other endpoints carry on.
 */
export interface EndpointBreakerConfig {
  enabled: boolean;
  /** Path segments below the route's path_prefix that name an endpoint. */
  segments: number;
  /** Endpoints tracked per route; the rest share one overflow endpoint. */
  max_endpoints: number;
  window: number;
  /** Opens when the window's failure share reaches this… */
  failure_rate_threshold: number;
  /** …over at least this many tries… */
  minimum_requests: number;
  /** …failing on at least this many hosts (or on every host of a smaller pool). */
  min_hosts: number;
  open_timeout: number;
  max_open_timeout: number;
  half_open_max_probes: number;
}

export interface RouteMatch {
  hosts: string[]; // empty = any host; "*.example.com" allowed
  path_prefix: string;
  methods: string[]; // empty = any method
}

export interface RouteConfig {
  name: string;
  match: RouteMatch;
  pool: string;
  strip_prefix: boolean;
  timeout: number; // the whole request (deadline)
  retry: RetryConfig;
  hedge: HedgeConfig;
  /** Optional route-level breaker, in addition to the per-host ones. */
  breaker: BreakerConfig | null;
  endpoint_breaker: EndpointBreakerConfig;
  max_body_bytes: number;
  /** The route's edge cache (docs/caching.md); null = not cached. */
  cache: RouteCacheConfig | null;
  /** The Cache-Control policy for clients; null = upstream's as is (docs/caching.md, "Browser layer"). */
  browser_cache: BrowserCacheConfig | null;
  /** Upgrade protocols tunnelled, lower-cased (never h2c); others are answered as plain requests. */
  upgrades: string[];
  /** Strict-Transport-Security on answers over TLS (docs/tls.md, "HSTS"); null = none. */
  hsts: HstsConfig | null;
}

export interface RouteCacheConfig {
  enabled: boolean;
  key: { query: 'full' | 'sorted' | 'ignore'; headers: string[] };
  max_object_bytes: number;
  /** How long concurrent misses wait for the first one (request coalescing), ms. */
  lock_timeout: number;
  /** RFC 5861 windows (ms) used when the stored response sets none; 0 = only the response's. */
  stale_while_revalidate: number;
  stale_if_error: number;
  /** RFC 9111 §4.2.2 heuristic freshness fraction; 0 = off. */
  heuristic_fraction: number;
  /** RFC 9213 targeted fields read before Cache-Control, lower-case, in precedence order. */
  targeted_fields: string[];
  /** Targeted fields removed before a response goes downstream, lower-case. */
  strip_targeted: string[];
  /** A response with Set-Cookie: not stored, stored without the field, or stored as is. */
  set_cookie: 'refuse' | 'strip' | 'keep';
}

export interface BrowserCacheConfig {
  cache_control: string;
  /** true: replace the upstream's Cache-Control; false: only add one where it is missing. */
  override: boolean;
}

export interface CacheStoresConfig {
  memory: { max_bytes: number; max_object_bytes: number };
  redis: { url: string; key_prefix: string; timeout: number } | null;
}

export interface ListenerConfig {
  name: string;
  host: string;
  port: number;
  /** TLS termination (docs/tls.md); null = plain HTTP. */
  tls: ListenerTlsConfig | null;
  /** HTTP/2 through ALPN on a TLS listener (docs/http2.md); unused on a plain one. */
  http2: ListenerHttp2Config;
  /** A plain listener that answers every request with a redirect to https:// on this port; null = off. */
  redirect_https: { port: number } | null;
}

/** A certificate and its private key, PEM files; `names` are the SNI names it serves (docs/tls.md). */
export interface CertificatePairConfig {
  cert: string;
  key: string;
  /** SNI names, "*.example.com" allowed; empty = the certificate's own DNS names. */
  names: string[];
}

export interface ListenerTlsConfig {
  /** The default certificate: for clients that send no SNI name or one no `sni` entry serves. */
  cert: string;
  key: string;
  /** Further certificates chosen by the client's SNI name (RFC 6066 §3). */
  sni: CertificatePairConfig[];
  min_version: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are OpenSSL's defaults). */
  ciphers: string;
  /** CA file client certificates are verified against; null = no client certificates asked. */
  client_ca: string | null;
  /** `required` refuses a handshake without a valid client certificate; `optional` serves clients without one. */
  client_auth: 'none' | 'optional' | 'required';
  /** How often the certificate files are checked for a change; 0 = only on SIGHUP or a config reload. */
  watch_interval: number;
}

export interface ListenerHttp2Config {
  enabled: boolean;
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients (RFC 9113 §6.5.2). */
  max_concurrent_streams: number;
  /** Streams a client may cancel (RST_STREAM) per limit_window before its connection is closed. */
  max_resets: number;
  /** SETTINGS frames a client may send per limit_window. */
  max_settings: number;
  /** PING frames a client may send per limit_window. */
  max_pings: number;
  limit_window: number;
}

/** TLS toward an upstream pool's https:// hosts (docs/tls.md, "HTTPS upstreams"). */
export interface PoolTlsConfig {
  /** CA file the hosts' certificates are verified against; null = the system store. */
  ca: string | null;
  /** Name sent as SNI and verified in the certificate; null = the host's own name. */
  servername: string | null;
  /** Client certificate and key presented to the hosts (both or neither). */
  cert: string | null;
  key: string | null;
}

/** Strict-Transport-Security on a route's answers over TLS (RFC 6797 §6.1). */
export interface HstsConfig {
  /** Seconds. */
  max_age: number;
  include_subdomains: boolean;
  preload: boolean;
}

export interface TracingConfig {
  enabled: boolean;
  /** OTLP/HTTP traces endpoint, e.g. "http://127.0.0.1:4318/v1/traces". */
  endpoint: string;
  /** Share of new traces sampled, 0..1 (a sampled parent in traceparent is always honoured). */
  sample_ratio: number;
  service_name: string;
  /** Extra headers sent with each export (e.g. an API key via ${VAR}). */
  headers: Record<string, string>;
  /** Export request timeout. */
  timeout: number;
}

export interface TelemetryConfig {
  /** Structured JSON access log, one line per request (pino, asynchronous). */
  access_log: { enabled: boolean };
  metrics: { enabled: boolean };
  tracing: TracingConfig;
  /** The handoff report's scaling threshold: headroom = threshold − current load (percent). */
  scaling: { threshold_percent: number };
}

export type SloKind = 'availability' | 'latency' | 'error_rate' | 'throughput';

/**
 * One multi-window burn-rate alert tier (Google SRE Workbook, "Alerting on SLOs", §6): fire when
 * both windows burn faster than `burn_rate`. The rate is derived from the share of the budget the
 * tier guards: burn_rate = budget_share × slo.window / long_window (2% of 30d in 1h → 14.4).
 */
export interface BurnRateTier {
  name: string; // e.g. "page-fast", "page-slow", "ticket"
  severity: 'critical' | 'warning'; // critical pages, warning opens a ticket
  budget_share: number; // 0..1, e.g. 0.02
  long_window: number; // ms
  short_window: number; // ms
  burn_rate: number; // derived (above); stated in the resolved config for every consumer
}

export interface SloConfig {
  name: string;
  /** Route names this SLO covers (a group); empty = every route. */
  routes: string[];
  kind: SloKind;
  /** Target in percent, e.g. 99.9. */
  objective: number;
  /** Rolling window: 7d, 28d or 30d (default). */
  window: number;
  /** latency: a request is good when faster than this (any value, not only bucket edges). */
  latency_threshold: number | null;
  /** throughput: the floor in requests per second, judged per minute. */
  min_rps: number | null;
  /**
   * What counts as bad. Default: a 5xx from Keel or the upstream, and every shed request;
   * client errors (4xx) are good unless client_errors_bad.
   */
  good: { client_errors_bad: boolean; bad_statuses: number[] };
  alerting: {
    enabled: boolean;
    /** Required when alerting is enabled: no alert without a runbook (docs/alerts.md). */
    runbook_url: string | null;
    /** No alert fires with fewer events than this in the long window (a quiet route is not paged). */
    min_events: number;
    tiers: BurnRateTier[];
    /** Names of alerts.receivers this SLO's alerts go to; empty = all. */
    receivers: string[];
  };
  /**
   * Budget policy the gateway enforces while the budget burns fast or is spent
   * (docs/slo-runtime.md, "Budget policy").
   */
  policy: {
    /** Stop retrying this SLO's routes while a page-severity alert fires or the budget is spent. */
    stop_retries: boolean;
    /** Shed this share (0..1) of this SLO's routes' requests while the budget is spent (low priority first). */
    shed_share: number;
    /** Refuse hot reloads not marked as fixes while the budget is spent. */
    freeze_reloads: boolean;
  };
}

export type AlertReceiverType = 'pagerduty' | 'opsgenie' | 'alertmanager' | 'webhook';

export interface AlertReceiverConfig {
  name: string;
  type: AlertReceiverType;
  /** Endpoint. Defaults: PagerDuty Events v2 enqueue URL, Opsgenie alerts API; required for the others. */
  url: string;
  /** PagerDuty routing key or Opsgenie API key (use ${VAR}); null for alertmanager/webhook. */
  key: string | null;
  headers: Record<string, string>;
  timeout: number;
  /** Delivery retries on 429/5xx/network errors, with exponential backoff and full jitter. */
  max_retries: number;
}

export interface Config {
  listeners: ListenerConfig[];
  admin: {
    host: string;
    port: number;
    /** null: Keel generates one at start (docs/security.md, "The admin token"). */
    token: string | null;
    /** Where a generated token is written; null = the runtime directory's admin-<port>.token. */
    token_file: string | null;
    /** Lower-cased host names the admin API answers to besides IP literals and localhost. */
    allowed_hosts: string[];
  };
  proxy: {
    /** CIDRs or addresses whose X-Forwarded-* headers are believed. */
    trusted_proxies: string[];
    /** The pseudonym in the Via header (RFC 9110 §7.6.3). */
    via: string;
    request_id_header: string;
  };
  limits: { max_header_bytes: number; max_body_bytes: number; max_url_length: number };
  /** Client-side timeouts: headers must arrive within `headers`, the connection idles out after `idle`. */
  client: { headers_timeout: number; idle_timeout: number };
  shutdown: { drain_timeout: number };
  telemetry: TelemetryConfig;
  slos: SloConfig[];
  alerts: {
    receivers: AlertReceiverConfig[];
    /** How often the SLO engine evaluates burn rates. */
    evaluation_interval: number;
    /** SQLite file for SLO history and budgets; null = in memory (lost on restart). */
    state_file: string | null;
  };
  cache: CacheStoresConfig;
  pools: Record<string, PoolConfig>;
  routes: RouteConfig[];
}

/**
 * One problem found in a config: the unit of every error report (docs/architecture.md, "Config at
 * the boundary").
 */
export interface ConfigProblem {
  /** Path in the config, e.g. "routes[2].pool". */
  path: string;
  /** Stable code, e.g. "unknown_reference", "invalid_type", "missing_env". */
  code: string;
  /** What is wrong, quoting the value received. */
  message: string;
  /** What would be valid / how to fix. */
  hint: string;
}
