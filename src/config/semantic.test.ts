// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimal, problemLines } from './helpers.test.js';
import { formatProblem } from './problems.js';
import { validateConfig } from './validate.js';

const H = 'http://127.0.0.1:8081';

test('a route naming an unknown pool lists the known ones', () => {
  const r = validateConfig(
    {
      pools: { web: { hosts: [H] }, auth: { hosts: ['http://127.0.0.1:9001'] } },
      routes: [{ pool: 'web' }, { pool: 'auth' }, { pool: 'api' }, { pool: 'wbe' }],
    },
    {},
  );
  assert.equal(r.ok, false);
  const [api, wbe] = r.ok ? [] : r.problems;
  assert.equal(
    formatProblem(api!),
    'routes[2].pool: unknown pool "api" (known: web, auth); fix: define pools.api or use one of the known pools',
  );
  assert.equal(api!.code, 'unknown_reference');
  assert.equal(wbe!.hint, 'did you mean "web"? define pools.wbe or use one of the known pools');
  // "constructor" is not a pool just because every object has one.
  assert.deepEqual(problemLines({ routes: [{ pool: 'constructor' }] }), [
    'routes[0].pool: unknown pool "constructor" (known: none)',
  ]);
});

test('an admin server beyond loopback needs a token: a problem at admin.token, as keel run refuses it', () => {
  for (const host of ['0.0.0.0', '10.0.0.5', '::']) {
    const r = validateConfig({ ...minimal(), admin: { host } }, {});
    assert.ok(!r.ok, host);
    assert.deepEqual(
      r.problems.map((p) => [p.path, p.code]),
      [['admin.token', 'admin_without_token']],
    );
    assert.equal(
      formatProblem(r.problems[0]!),
      `admin.token: admin.host is "${host}", which is not loopback, and admin.token is not set; fix: set admin.token from the environment (token: "\${KEEL_ADMIN_TOKEN}") or bind the admin server to 127.0.0.1`,
    );
    // An empty variable means no token: still refused; a token, or loopback, is fine.
    const empty = validateConfig({ ...minimal(), admin: { host, token: '${T:-}' } }, {});
    assert.equal(empty.ok, false, host);
    assert.equal(validateConfig({ ...minimal(), admin: { host, token: '${T}' } }, { T: 'x' }).ok, true, host);
  }
  for (const host of ['127.0.0.1', 'localhost', '::1']) {
    assert.equal(validateConfig({ ...minimal(), admin: { host } }, {}).ok, true, host);
  }
});

test('a route whose pool has no hosts is a problem', () => {
  assert.deepEqual(problemLines({ pools: { web: { hosts: [] } }, routes: [{ pool: 'web' }] }), [
    'routes[0].pool: pool "web" has no hosts',
  ]);
});

test('route and listener names are unique; listeners do not share host:port; admin has its own port', () => {
  assert.deepEqual(
    problemLines({
      ...minimal(),
      listeners: [
        { port: 8080 },
        { name: 'main', host: '0.0.0.0', port: 8080 },
        { name: 'b', port: 0 },
        { name: 'c', port: 0 },
      ],
      admin: { port: 8080 },
      routes: [
        { name: 'r', pool: 'web' },
        { name: 'r', pool: 'web' },
      ],
    }),
    [
      'listeners[1].name: duplicate listener name "main" (also listeners[0])',
      'listeners[1].port: 0.0.0.0:8080 is already used by listeners[0]',
      'admin.port: 8080 is also the port of listeners[0] ("main")',
      'routes[1].name: duplicate route name "r" (also routes[0])',
    ],
  );
  const ok = validateConfig({ listeners: [{ port: 0 }], admin: { port: 0 } }, {});
  assert.equal(ok.ok, true);
});

test('ring_hash needs exactly one hash key; a hash key needs ring_hash', () => {
  const pools = {
    a: { hosts: [H], balancer: { algorithm: 'ring_hash' } },
    b: { hosts: [H], balancer: { algorithm: 'ring_hash', hash_key: { header: 'x-user', cookie: 'sid' } } },
    c: { hosts: [H], balancer: { algorithm: 'ring_hash', hash_key: { path: false } } },
    d: { hosts: [H], balancer: { algorithm: 'round_robin', hash_key: { path: true } } },
    e: { hosts: [H], balancer: { algorithm: 'ring_hash', hash_key: { cookie: 'sid' } } },
  };
  assert.deepEqual(problemLines({ pools }), [
    'pools.a.balancer.hash_key: ring_hash needs a hash_key',
    'pools.b.balancer.hash_key: sets header and cookie of header, cookie, path; ring_hash needs exactly one',
    'pools.c.balancer.hash_key: sets none of header, cookie, path; ring_hash needs exactly one',
    'pools.d.balancer.hash_key: a hash_key is only used by ring_hash (algorithm is "round_robin")',
  ]);
});

test('timeouts that must be ordered are checked', () => {
  assert.deepEqual(
    problemLines({
      pools: {
        web: {
          hosts: [H],
          breaker: { open_timeout: '30s', max_open_timeout: '10s', window: 5, buckets: 10 },
          health: {
            active: { interval: '1s', timeout: '2s' },
            outlier: { base_ejection: '1m', max_ejection: '30s' },
          },
        },
      },
      routes: [
        { pool: 'web', retry: { backoff: { base: '1s', max: '100ms' } }, breaker: { open_timeout: '2m' } },
      ],
    }),
    [
      'pools.web.health.outlier.max_ejection: 30s is shorter than base_ejection 1m',
      'pools.web.health.active.timeout: 2s is longer than interval 1s',
      'pools.web.breaker.max_open_timeout: 10s is shorter than open_timeout 30s',
      'pools.web.breaker.buckets: 10 buckets do not fit a window of 5 ms',
      'routes[0].retry.backoff.max: 100ms is shorter than base 1s',
      'routes[0].breaker.max_open_timeout: 1m is shorter than open_timeout 2m',
    ],
  );
});

test('hedging is only allowed when the retry methods are idempotent (RFC 9110 §9.2.2)', () => {
  assert.deepEqual(
    problemLines({
      ...minimal(),
      routes: [
        {
          pool: 'web',
          hedge: { enabled: true, delay: '1m' },
          retry: { methods: ['get', 'post', 'PATCH'] },
          timeout: '10s',
        },
      ],
    }),
    [
      'routes[0].hedge.enabled: hedging needs idempotent methods, but retry.methods has POST, PATCH',
      'routes[0].hedge.delay: 1m is not shorter than the route timeout 10s',
    ],
  );
  const ok = validateConfig({ ...minimal(), routes: [{ pool: 'web', hedge: { enabled: true } }] }, {});
  assert.equal(ok.ok, true);
});

test('duplicate hosts in a pool are refused; a pool name must match its key', () => {
  assert.deepEqual(
    problemLines({
      pools: {
        web: { hosts: [H, `${H}/`, { url: 'http://127.0.0.1:8082', name: '127.0.0.1:8081' }] },
        x: { name: 'y', hosts: [H] },
      },
    }),
    [
      'pools.web.hosts[1].url: "http://127.0.0.1:8081" is listed twice (also hosts[0])',
      'pools.web.hosts[2].name: host name "127.0.0.1:8081" is used twice (also hosts[0])',
      'pools.x.name: "y" differs from the pool\'s key "x"',
    ],
  );
});

test('a broken route does not hide the problems of the others', () => {
  assert.deepEqual(
    problemLines({
      ...minimal(),
      routes: [
        { pool: 'nope', timeout: 'soon' },
        { pool: 'web', hedge: { enabled: true }, retry: { methods: ['POST'] } },
      ],
    }),
    [
      'routes[0].timeout: "soon" is not a duration',
      'routes[0].pool: unknown pool "nope" (known: web)',
      'routes[1].hedge.enabled: hedging needs idempotent methods, but retry.methods has POST',
    ],
  );
});
