import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_BREAKER,
  DEFAULT_ENDPOINT_BREAKER,
  DEFAULT_HOST_BREAKER,
  DEFAULT_POOL,
  IDEMPOTENT_METHODS,
} from './defaults.js';
import { rangeOf } from './statuses.js';
import { validateConfig } from './validate.js';

/** A listener's defaults besides its address: plain HTTP, HTTP/2 off (it needs tls), its limits. */
const PLAIN_LISTENER = {
  tls: null,
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

function valid(raw: unknown) {
  const r = validateConfig(raw, {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

test('an empty config gets every top-level default', () => {
  assert.deepEqual(valid({}), {
    listeners: [{ name: 'main', host: '127.0.0.1', port: 8080, ...PLAIN_LISTENER }],
    admin: { host: '127.0.0.1', port: 9901, token: null, token_file: null, allowed_hosts: [] },
    proxy: { trusted_proxies: [], via: 'keel', request_id_header: 'x-request-id' },
    limits: { max_header_bytes: 16384, max_body_bytes: 10485760, max_url_length: 8192 },
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
    slos: [],
    alerts: { receivers: [], evaluation_interval: 10_000, state_file: null },
    cache: { memory: { max_bytes: 67_108_864, max_object_bytes: 1_048_576 }, redis: null },
    pools: {},
    routes: [],
  });
});

test('tracing export headers are kept as given (free-form keys), and telemetry merges over defaults', () => {
  const c = valid({
    telemetry: {
      tracing: { enabled: true, sample_ratio: 0.25, headers: { 'x-api-key': 'k' } },
      scaling: { threshold_percent: 70 },
    },
  });
  assert.deepEqual(c.telemetry.tracing.headers, { 'x-api-key': 'k' });
  assert.equal(c.telemetry.tracing.sample_ratio, 0.25);
  assert.equal(c.telemetry.tracing.endpoint, 'http://127.0.0.1:4318/v1/traces');
  assert.equal(c.telemetry.scaling.threshold_percent, 70);
  assert.equal(c.telemetry.access_log.enabled, true);
});

test('a pool gets its name from its key, defaults everywhere, and hosts from URL shorthands', () => {
  const c = valid({
    pools: { web: { hosts: ['http://127.0.0.1:8081/', { url: 'http://example.com', weight: 2 }] } },
  });
  assert.deepEqual(c.pools.web, {
    name: 'web',
    hosts: [
      { url: 'http://127.0.0.1:8081', weight: 1, name: '127.0.0.1:8081' },
      { url: 'http://example.com', weight: 2, name: 'example.com:80' },
    ],
    ...DEFAULT_POOL,
  });
  assert.equal(c.pools.web?.health.active, null);
});

test('health.active: {} enables active checks with all defaults', () => {
  const c = valid({ pools: { web: { hosts: ['http://a:1'], health: { active: {} } } } });
  assert.deepEqual(c.pools.web?.health.active, {
    path: '/healthz',
    interval: 5000,
    timeout: 1000,
    expected_statuses: rangeOf(200, 399),
    healthy_threshold: 2,
    unhealthy_threshold: 3,
  });
});

test('nested partials merge with their defaults', () => {
  const c = valid({
    pools: {
      web: {
        hosts: ['http://a:1'],
        breaker: { open_timeout: '1s', failure_on: { statuses: 429 } },
        timeouts: { connect: 500 },
      },
    },
  });
  // A host breaker's own defaults: connection-level failures only (docs/health.md).
  assert.deepEqual(c.pools.web?.breaker, {
    ...DEFAULT_HOST_BREAKER,
    open_timeout: 1000,
    failure_on: { ...DEFAULT_HOST_BREAKER.failure_on, statuses: [429] },
  });
  assert.deepEqual(DEFAULT_HOST_BREAKER.failure_on, {
    server_errors: false,
    timeouts: false,
    resets: true,
    statuses: [],
  });
  assert.deepEqual(c.pools.web?.timeouts, { connect: 500, first_byte: 15_000, idle: 60_000 });
});

test('routes: name, match, retry, hedge and body limit defaults; match shorthands resolved', () => {
  const c = valid({
    limits: { max_body_bytes: 1000 },
    pools: { web: { hosts: ['http://a:1'] } },
    routes: [
      { pool: 'web' },
      {
        pool: 'web',
        match: { host: 'API.example.com', path_prefix: '/api', methods: ['get', 'POST'] },
        breaker: {},
        max_body_bytes: 5,
      },
    ],
  });
  const [first, second] = c.routes;
  assert.deepEqual(first, {
    name: 'route-0',
    match: { hosts: [], path_prefix: '/', methods: [] },
    pool: 'web',
    strip_prefix: false,
    timeout: 30_000,
    retry: {
      enabled: true,
      max_attempts: 3,
      methods: IDEMPOTENT_METHODS,
      on: { connect_failure: true, reset: true, timeout: true, statuses: [500, 502, 503, 504] },
      backoff: { base: 25, max: 250 },
      honor_retry_after: true,
    },
    hedge: { enabled: true, delay: 'auto', min_delay: 100, max_hedges: 1 },
    breaker: null,
    endpoint_breaker: DEFAULT_ENDPOINT_BREAKER,
    max_body_bytes: 1000,
    cache: null,
    browser_cache: null,
    upgrades: ['websocket'],
    hsts: null,
  });
  assert.equal(second?.name, 'route-1');
  assert.deepEqual(second?.match, {
    hosts: ['api.example.com'],
    path_prefix: '/api',
    methods: ['GET', 'POST'],
  });
  assert.deepEqual(second?.breaker, DEFAULT_BREAKER);
  assert.equal(second?.max_body_bytes, 5);
});

test('listener names default to main, then listener-<index>', () => {
  const c = valid({ listeners: [{ port: 1 }, { port: 2, host: '0.0.0.0' }] });
  assert.deepEqual(c.listeners, [
    { name: 'main', host: '127.0.0.1', port: 1, ...PLAIN_LISTENER },
    { name: 'listener-1', host: '0.0.0.0', port: 2, ...PLAIN_LISTENER },
  ]);
});

test('the resolved config is deeply frozen and never shares the default templates', () => {
  const c = valid({ pools: { web: { hosts: ['http://a:1'] } }, routes: [{ pool: 'web' }] });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.pools.web?.breaker.failure_on.statuses));
  assert.throws(() => {
    (c.listeners as unknown as unknown[]).push({});
  }, TypeError);
  assert.throws(() => {
    (c.routes[0]!.retry as { max_attempts: number }).max_attempts = 9;
  }, TypeError);
  assert.equal(Object.isFrozen(DEFAULT_POOL), false);
  assert.equal(Object.isFrozen(IDEMPOTENT_METHODS), false);
  assert.notEqual(c.routes[0]?.retry.methods, IDEMPOTENT_METHODS);
});

test('a resolved config validates to itself (admin "get config" → edit → reload)', () => {
  const c = valid({
    pools: {
      web: {
        hosts: ['http://a:1'],
        balancer: { algorithm: 'ring_hash', hash_key: { header: 'X-User' } },
        health: { active: {} },
      },
    },
    routes: [{ pool: 'web', match: { host: ['a.com'] }, breaker: {} }],
  });
  assert.deepEqual(valid(JSON.parse(JSON.stringify(c))), c);
});

test('route cache: `cache: {}` turns it on with the defaults; stores and object size from `cache:`', () => {
  const r = validateConfig({
    cache: { memory: { max_object_bytes: 2048 }, redis: { url: 'redis://127.0.0.1:6379/0' } },
    pools: { web: { hosts: ['http://127.0.0.1:9'] } },
    routes: [
      { pool: 'web', cache: {}, browser_cache: { cache_control: 'max-age=5' } },
      {
        pool: 'web',
        cache: { key: { query: 'sorted', headers: ['X-Tenant', 'x-tenant'] }, max_object_bytes: 10 },
      },
    ],
  });
  assert.ok(r.ok);
  const [a, b] = r.config.routes;
  assert.deepEqual(a?.cache, {
    enabled: true,
    key: { query: 'full', headers: [] },
    max_object_bytes: 2048,
    lock_timeout: 5000,
    stale_while_revalidate: 0,
    stale_if_error: 0,
    heuristic_fraction: 0,
    targeted_fields: ['keel-cache-control', 'cdn-cache-control'],
    strip_targeted: [],
    set_cookie: 'refuse',
  });
  assert.deepEqual(a?.browser_cache, { cache_control: 'max-age=5', override: false });
  assert.deepEqual(b?.cache?.key, { query: 'sorted', headers: ['x-tenant'] });
  assert.equal(b?.cache?.max_object_bytes, 10);
  assert.deepEqual(r.config.cache.redis, {
    url: 'redis://127.0.0.1:6379/0',
    key_prefix: 'keel:cache:',
    timeout: 50,
  });
});

test('route cache problems name their path', () => {
  const r = validateConfig({
    cache: { redis: { url: 'http://x' } },
    pools: { web: { hosts: ['http://127.0.0.1:9'] } },
    routes: [{ pool: 'web', cache: { key: { query: 'shuffle' } }, browser_cache: { cache_control: '' } }],
  });
  assert.equal(r.ok, false);
  const paths = r.ok ? [] : r.problems.map((p) => p.path);
  assert.deepEqual(paths.sort(), [
    'cache.redis.url',
    'routes[0].browser_cache.cache_control',
    'routes[0].cache.key.query',
  ]);
});
