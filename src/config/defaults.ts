/**
 * Every default in one place (the table in docs/configuration.md mirrors it). Durations in ms.
 * These objects are templates: resolve.ts copies them, it never hands them out.
 */

import { rangeOf } from './statuses.js';
import type {
  ActiveHealthConfig,
  AlertReceiverConfig,
  BreakerConfig,
  BurnRateTier,
  Config,
  EndpointBreakerConfig,
  HedgeConfig,
  HstsConfig,
  ListenerConfig,
  ListenerTlsConfig,
  PoolConfig,
  RetryConfig,
  RouteCacheConfig,
  SloConfig,
} from './types.js';

export const DEFAULT_LISTENER: ListenerConfig = {
  name: 'main',
  host: '127.0.0.1',
  port: 8080,
  tls: null,
  // enabled: true once the listener has tls (resolve.ts); there is no cleartext HTTP/2.
  http2: {
    enabled: false,
    max_concurrent_streams: 100,
    max_resets: 200,
    max_settings: 50,
    max_pings: 100,
    limit_window: 10_000,
  },
  redirect_https: null,
};

/**
 * Mozilla's "intermediate" server profile (https://ssl-config.mozilla.org/, guidelines 5.7): the
 * TLS 1.2 ciphers, all with forward secrecy and AEAD, in its order. TLS 1.3 suites are OpenSSL's
 * defaults, which are the profile's. The DHE entries need DH parameters, which Keel does not
 * load, so OpenSSL skips them; they are kept so the string is the profile's, word for word.
 */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/** client_auth defaults to "required" when client_ca is given, else "none" (resolve.ts). */
export const DEFAULT_LISTENER_TLS: Omit<
  ListenerTlsConfig,
  'cert' | 'key' | 'sni' | 'client_ca' | 'client_auth'
> = {
  min_version: 'TLSv1.2',
  ciphers: MOZILLA_INTERMEDIATE_CIPHERS,
  watch_interval: 5000,
};

export const DEFAULT_REDIRECT_PORT = 443;

export const DEFAULT_HSTS: HstsConfig = { max_age: 31_536_000, include_subdomains: false, preload: false };

export const DEFAULT_TOP: Omit<Config, 'listeners' | 'pools' | 'routes' | 'slos'> = {
  admin: { host: '127.0.0.1', port: 9901, token: null, token_file: null, allowed_hosts: [] },
  proxy: { trusted_proxies: [], via: 'keel', request_id_header: 'x-request-id' },
  limits: { max_header_bytes: 16_384, max_body_bytes: 10_485_760, max_url_length: 8192 },
  client: { headers_timeout: 10_000, idle_timeout: 60_000 },
  shutdown: { drain_timeout: 15_000 },
  telemetry: {
    access_log: { enabled: true },
    metrics: { enabled: true },
    tracing: {
      enabled: false,
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      sample_ratio: 1,
      service_name: 'keel',
      headers: {},
      timeout: 10_000,
    },
    scaling: { threshold_percent: 80 },
  },
  alerts: { receivers: [], evaluation_interval: 10_000, state_file: null },
  cache: { memory: { max_bytes: 67_108_864, max_object_bytes: 1_048_576 }, redis: null },
};

/** A route's cache once `cache:` is given (max_object_bytes comes from cache.memory). */
export const DEFAULT_ROUTE_CACHE: Omit<RouteCacheConfig, 'max_object_bytes'> = {
  enabled: true,
  key: { query: 'full', headers: [] },
  lock_timeout: 5000,
  stale_while_revalidate: 0,
  stale_if_error: 0,
  heuristic_fraction: 0,
  targeted_fields: ['keel-cache-control', 'cdn-cache-control'],
  strip_targeted: [],
  set_cookie: 'refuse',
};

export const DEFAULT_REDIS_KEY_PREFIX = 'keel:cache:';
export const DEFAULT_REDIS_TIMEOUT = 50;

/** SLO defaults (docs/slo.md); tiers are derived per window in resolve-slo.ts. */
export const DEFAULT_SLO: Pick<SloConfig, 'window' | 'good' | 'policy'> & {
  alerting: Pick<SloConfig['alerting'], 'enabled' | 'min_events'>;
} = {
  window: 30 * 86_400_000,
  good: { client_errors_bad: false, bad_statuses: [] },
  alerting: { enabled: true, min_events: 100 },
  policy: { stop_retries: false, shed_share: 0, freeze_reloads: false },
};

/** Google SRE Workbook, "Alerting on SLOs", table 5-8: the share of budget each tier guards. */
export const DEFAULT_TIER_SHAPES: ReadonlyArray<Omit<BurnRateTier, 'burn_rate'>> = [
  {
    name: 'page-fast',
    severity: 'critical',
    budget_share: 0.02,
    long_window: 3_600_000,
    short_window: 300_000,
  },
  {
    name: 'page-slow',
    severity: 'critical',
    budget_share: 0.05,
    long_window: 21_600_000,
    short_window: 1_800_000,
  },
  {
    name: 'ticket',
    severity: 'warning',
    budget_share: 0.1,
    long_window: 259_200_000,
    short_window: 21_600_000,
  },
];

export const DEFAULT_ALERT_RECEIVER: Pick<AlertReceiverConfig, 'timeout' | 'max_retries'> = {
  timeout: 5000,
  max_retries: 5,
};

/** Default endpoints of the hosted APIs (PagerDuty Events API v2, Opsgenie Alert API). */
export const RECEIVER_URLS: Partial<Record<AlertReceiverConfig['type'], string>> = {
  pagerduty: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie: 'https://api.opsgenie.com/v2/alerts',
};

export const DEFAULT_ACTIVE_HEALTH: ActiveHealthConfig = {
  path: '/healthz',
  interval: 5000,
  timeout: 1000,
  expected_statuses: rangeOf(200, 399),
  healthy_threshold: 2,
  unhealthy_threshold: 3,
};

export const DEFAULT_BREAKER: BreakerConfig = {
  enabled: true,
  window: 10_000,
  buckets: 10,
  failure_rate_threshold: 0.5,
  minimum_requests: 20,
  consecutive_failures: 5,
  open_timeout: 5000,
  max_open_timeout: 60_000,
  half_open_max_probes: 1,
  failure_on: { server_errors: true, timeouts: true, resets: true, statuses: [] },
};

/**
 * A host breaker opens on connection-level failures only: a 5xx or a timeout may be the request's
 * endpoint failing on every host, so those are judged per endpoint and against the host's peers
 * instead (docs/health.md, "Judged against its peers"). A route breaker (opt-in) keeps
 * DEFAULT_BREAKER's rules.
 */
export const DEFAULT_HOST_BREAKER: BreakerConfig = {
  ...DEFAULT_BREAKER,
  failure_on: { server_errors: false, timeouts: false, resets: true, statuses: [] },
};

/** A pool minus its name and hosts; resolve.ts fills the nullable parts (hash_key, active health, tls). */
export const DEFAULT_POOL: Omit<PoolConfig, 'name' | 'hosts'> = {
  balancer: { algorithm: 'p2c_ewma', hash_key: null },
  timeouts: { connect: 2000, first_byte: 15_000, idle: 60_000 },
  connections: { max_per_host: 128, keep_alive_timeout: 4000 },
  health: {
    active: null,
    outlier: {
      enabled: true,
      consecutive_5xx: 0,
      consecutive_gateway_failures: 3,
      base_ejection: 10_000,
      max_ejection: 300_000,
      max_ejection_percent: 50,
      latency: { enabled: true, factor: 5, min_latency: 250, min_requests: 20 },
      failure_rate: { enabled: true, excess: 0.5, min_requests: 20, window: 10_000 },
    },
    panic_threshold_percent: 50,
    slow_start: 10_000,
  },
  breaker: DEFAULT_HOST_BREAKER,
  concurrency: { max_in_flight: 1000, max_queue: 500, queue_timeout: 2000 },
  retry_budget: { ratio: 0.2, min_concurrent: 3 },
  tls: null,
  optional: false,
};

/** RFC 9110 §9.2.2: the idempotent methods, the only ones retried (and hedged) by default. */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];

export const DEFAULT_RETRY: RetryConfig = {
  enabled: true,
  max_attempts: 3,
  methods: IDEMPOTENT_METHODS,
  on: { connect_failure: true, reset: true, timeout: true, statuses: [500, 502, 503, 504] },
  backoff: { base: 25, max: 250 },
  honor_retry_after: true,
};

/**
 * Hedging is on for idempotent requests without a body, after the route's own p95 (docs/health.md,
 * "Defaults, and why"); the floor keeps a fast route from hedging on scheduling noise.
 */
export const DEFAULT_HEDGE: HedgeConfig = { enabled: true, delay: 'auto', min_delay: 100, max_hedges: 1 };

/** docs/health.md, "Defaults, and why": strong evidence before an endpoint is refused. */
export const DEFAULT_ENDPOINT_BREAKER: EndpointBreakerConfig = {
  enabled: true,
  segments: 2,
  max_endpoints: 32,
  window: 10_000,
  failure_rate_threshold: 0.95,
  minimum_requests: 20,
  min_hosts: 2,
  open_timeout: 5000,
  max_open_timeout: 30_000,
  half_open_max_probes: 1,
};

export const DEFAULT_ROUTE_TIMEOUT = 30_000;

/** The Upgrade protocols a route tunnels unless it says otherwise (docs/proxying.md, "Upgrades"). */
export const DEFAULT_UPGRADES: readonly string[] = ['websocket'];

/**
 * Deep merge of a validated partial over a template: absent (undefined) fields take the
 * template's value; arrays and scalars given replace it; nested objects merge. Returns fresh
 * objects and arrays, so that freezing a result never freezes a template.
 */
export function merge<T>(template: T, given: unknown): T {
  if (Array.isArray(template)) return (Array.isArray(given) ? [...given] : [...template]) as T;
  if (template === null || typeof template !== 'object') return (given === undefined ? template : given) as T;
  const over = (given ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) out[k] = merge(v, over[k]);
  return out as T;
}
