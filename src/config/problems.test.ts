import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimal, problemLines } from './helpers.test.js';
import { renderPath } from './path.js';
import { closest } from './suggest.js';
import { validateConfig } from './validate.js';

const withPool = (pool: Record<string, unknown>) => ({
  ...minimal(),
  pools: { web: { hosts: ['http://127.0.0.1:8081'], ...pool } },
});

test('paths render as people read them', () => {
  assert.equal(renderPath(['routes', 2, 'pool']), 'routes[2].pool');
  assert.equal(renderPath(['pools', 'web', 'hosts', 0, 'url']), 'pools.web.hosts[0].url');
  assert.equal(renderPath(['pools', 'a b']), 'pools["a b"]');
  assert.equal(renderPath([]), '(root)');
});

test('wrong types quote the value received and name the type expected', () => {
  assert.deepEqual(problemLines({ listeners: [{ port: '8080' }] }), [
    'listeners[0].port: expected a number, received string "8080"',
  ]);
  assert.deepEqual(problemLines({ ...minimal(), routes: [{ pool: 'web', strip_prefix: 'yes' }] }), [
    'routes[0].strip_prefix: expected a boolean, received string "yes"',
  ]);
  assert.deepEqual(problemLines({ ...minimal(), routes: 'web' }), [
    'routes: expected an array, received string "web"',
  ]);
  assert.deepEqual(problemLines({ pools: { web: { hosts: [42] } } }), [
    'pools.web.hosts[0]: expected a string or an object, received number 42',
  ]);
  assert.deepEqual(problemLines([1]), ['(root): expected an object of sections, received an array']);
  assert.deepEqual(problemLines(null), [
    '(root): expected an object of sections, received nothing (the config is empty)',
  ]);
});

test('missing required fields are named', () => {
  const r = validateConfig({ ...minimal(), routes: [{ name: 'x' }] }, {});
  assert.deepEqual(!r.ok && r.problems, [
    {
      path: 'routes[0].pool',
      code: 'required',
      message: 'is missing; expected a string',
      hint: 'add pool (a string)',
    },
  ]);
});

test('enums list the valid values and suggest the closest', () => {
  const r = validateConfig(withPool({ balancer: { algorithm: 'roundrobin' } }), {});
  assert.deepEqual(!r.ok && r.problems, [
    {
      path: 'pools.web.balancer.algorithm',
      code: 'invalid_value',
      message:
        '"roundrobin" is not valid; expected one of: p2c_ewma, round_robin, least_conn, weighted_round_robin, ring_hash',
      hint: 'did you mean "round_robin"? use one of: p2c_ewma, round_robin, least_conn, weighted_round_robin, ring_hash',
    },
  ]);
});

test('unknown keys are problems, with "did you mean" when a valid key is close', () => {
  const r = validateConfig(
    { ...minimal(), listners: [], routes: [{ pool: 'web', timout: '1s', zzz: 1 }] },
    {},
  );
  assert.deepEqual(!r.ok && r.problems.map((p) => [p.path, p.code, p.message, p.hint.split('?')[0]]), [
    ['listners', 'unknown_key', 'unknown key "listners"', 'did you mean "listeners"'],
    ['routes[0].timout', 'unknown_key', 'unknown key "timout"', 'did you mean "timeout"'],
    [
      'routes[0].zzz',
      'unknown_key',
      'unknown key "zzz"',
      'valid keys here: name, match, pool, strip_prefix, timeout, retry, hedge, breaker, endpoint_breaker, max_body_bytes, cache, browser_cache, upgrades, hsts',
    ],
  ]);
  assert.equal(closest('zzz', ['pool', 'name']), null);
});

test('ranges say the bound', () => {
  assert.deepEqual(problemLines(withPool({ hosts: [{ url: 'http://127.0.0.1:8081', weight: 0 }] })), [
    'pools.web.hosts[0].weight: 0 is too small; expected >= 1',
  ]);
  assert.deepEqual(problemLines(withPool({ breaker: { failure_rate_threshold: 1.5 } })), [
    'pools.web.breaker.failure_rate_threshold: 1.5 is too big; expected <= 1',
  ]);
  assert.deepEqual(
    problemLines(withPool({ breaker: { failure_rate_threshold: 0, half_open_max_probes: 0 } })),
    [
      'pools.web.breaker.failure_rate_threshold: 0 is too small; expected > 0',
      'pools.web.breaker.half_open_max_probes: 0 is too small; expected >= 1',
    ],
  );
  assert.deepEqual(problemLines({ listeners: [] }), ['listeners: has 0 item(s); expected at least 1']);
  assert.deepEqual(problemLines({ listeners: [{ port: 70000 }] }), [
    'listeners[0].port: 70000 is too big; expected <= 65535',
  ]);
  assert.deepEqual(problemLines({ ...minimal(), routes: [{ pool: 'web', retry: { max_attempts: 0 } }] }), [
    'routes[0].retry.max_attempts: 0 is too small; expected >= 1',
  ]);
});

test('formats and durations name what would be valid', () => {
  assert.deepEqual(problemLines({ ...minimal(), routes: [{ pool: 'web', match: { path_prefix: 'api' } }] }), [
    'routes[0].match.path_prefix: "api" is not valid; expected a path starting with "/", without spaces, "?" or "#"',
  ]);
  assert.deepEqual(problemLines(withPool({ timeouts: { connect: '2x' } })), [
    'pools.web.timeouts.connect: "2x" is not a duration',
  ]);
  assert.deepEqual(problemLines(withPool({ timeouts: { connect: 0 } })), [
    'pools.web.timeouts.connect: 0 is too short',
  ]);
  assert.deepEqual(problemLines({ pools: { 'bad name': { hosts: [] } } }), [
    'pools["bad name"]: "bad name" is not a valid pool name',
  ]);
  assert.deepEqual(problemLines({ proxy: { trusted_proxies: ['10.0.0.0/33'] } }), [
    'proxy.trusted_proxies[0]: "10.0.0.0/33" is not valid; expected an IP address or CIDR, e.g. "10.0.0.0/8" or "::1"',
  ]);
});

test('health statuses accept numbers and range strings, 100-599 only', () => {
  const ok = validateConfig(withPool({ health: { active: { expected_statuses: [204, '300-302'] } } }), {});
  assert.deepEqual(ok.ok && ok.config.pools.web?.health.active?.expected_statuses, [204, 300, 301, 302]);
  const one = validateConfig(withPool({ health: { active: { expected_statuses: '200' } } }), {});
  assert.deepEqual(one.ok && one.config.pools.web?.health.active?.expected_statuses, [200]);
  assert.deepEqual(
    problemLines(withPool({ health: { active: { expected_statuses: [200, 700, '399-300', true] } } })),
    [
      'pools.web.health.active.expected_statuses[1]: 700 is not an HTTP status code',
      'pools.web.health.active.expected_statuses[2]: "399-300" is not a status range within 100-599',
      'pools.web.health.active.expected_statuses[3]: expected a status, received true',
    ],
  );
});

test('host URLs must be bare http or https origins', () => {
  assert.deepEqual(
    problemLines(withPool({ hosts: ['http://a:1/x', 'ftp://a:2', 'nope', { url: 'http://a:3?q=1' }] })),
    [
      'pools.web.hosts[0]: "http://a:1/x" has a path, query or credentials; a host is an origin only',
      'pools.web.hosts[1]: "ftp://a:2" uses ftp:; only http:// and https:// upstreams are supported',
      'pools.web.hosts[2]: "nope" is not a URL',
      'pools.web.hosts[3].url: "http://a:3?q=1" has a path, query or credentials; a host is an origin only',
    ],
  );
});

test('a host written without http:// gets "did you mean", whether or not it parses as a URL', () => {
  assert.deepEqual(
    problemLines(withPool({ hosts: ['localhost:3001', '127.0.0.1:3000', '[::1]:8080', { url: 'app:80' }] })),
    [
      'pools.web.hosts[0]: "localhost:3001" has no scheme; did you mean "http://localhost:3001"?',
      'pools.web.hosts[1]: "127.0.0.1:3000" has no scheme; did you mean "http://127.0.0.1:3000"?',
      'pools.web.hosts[2]: "[::1]:8080" has no scheme; did you mean "http://[::1]:8080"?',
      'pools.web.hosts[3].url: "app:80" has no scheme; did you mean "http://app:80"?',
    ],
  );
});

test('every problem of every section is collected, in file order', () => {
  const lines = problemLines({
    routes: [{ pool: 'web', timeout: 'x' }, { pool: 'nope' }],
    listeners: [{ port: -1 }],
    pools: { web: { hosts: ['http://a:1'], balancer: { algorithm: 'x' } } },
  });
  assert.deepEqual(
    lines.map((l) => l.split(':')[0]),
    ['listeners[0].port', 'pools.web.balancer.algorithm', 'routes[0].timeout', 'routes[1].pool'],
  );
});

test('a secret is described, never quoted: a mistyped token or key must not reach the 422 answer or the log', () => {
  const secretish = 987654321;
  const r = validateConfig(
    {
      ...minimal(),
      admin: { token: secretish },
      alerts: {
        receivers: [
          { name: 'pd', type: 'pagerduty', key: 123456789012 },
          {
            name: 'hook',
            type: 'webhook',
            url: 'http://127.0.0.1:1/x',
            headers: { authorization: 42424242 },
          },
        ],
      },
    },
    {},
  );
  assert.equal(r.ok, false);
  const text = JSON.stringify(r.ok ? [] : r.problems);
  for (const s of ['987654321', '123456789012', '42424242'])
    assert.ok(!text.includes(s), `${s} leaked: ${text}`);
  const lines = problemLines({ ...minimal(), admin: { token: secretish } });
  assert.deepEqual(lines, [
    'admin.token: expected a string, received a number (not shown: it may be a secret)',
  ]);
  // Values elsewhere are still quoted: they help, and they are not secrets.
  assert.deepEqual(problemLines({ listeners: [{ port: '8080' }] }), [
    'listeners[0].port: expected a number, received string "8080"',
  ]);
});
