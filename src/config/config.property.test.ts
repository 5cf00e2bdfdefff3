// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseConfig, validateConfig } from './index.js';
import { findJsonError } from './json-position.js';

test('validateConfig never throws: any JSON value is ok or a list of well-formed problems', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
      const r = validateConfig(v, {});
      if (r.ok) return;
      assert.ok(r.problems.length > 0);
      for (const p of r.problems) {
        assert.ok(
          p.path.length > 0 && p.message.length > 0 && p.hint.length > 0 && p.code.length > 0,
          JSON.stringify(p),
        );
      }
    }),
    { numRuns: 300 },
  );
});

const key = fc.constantFrom(
  'listeners',
  'admin',
  'pools',
  'routes',
  'limits',
  'proxy',
  'client',
  'shutdown',
  'x',
);
const shaped = fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }));

test('validateConfig never throws on config-shaped junk either', () => {
  fc.assert(
    fc.property(shaped, (v) => {
      const r = validateConfig(v, {});
      if (!r.ok) for (const p of r.problems) assert.ok(p.path && p.message && p.hint);
    }),
    { numRuns: 300 },
  );
});

const duration = fc.oneof(
  fc.integer({ min: 1, max: 600_000 }),
  fc.integer({ min: 1, max: 600 }).map((n) => `${n}s`),
  fc.integer({ min: 1, max: 5000 }).map((n) => `${n}ms`),
);
const methods = fc.subarray(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const pool = fc.record(
  {
    hosts: fc
      .uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 4 })
      .map((ports) =>
        ports.map((p, i) =>
          i % 2 === 0 ? `http://127.0.0.1:${p}` : { url: `http://127.0.0.1:${p}`, weight: i },
        ),
      ),
    balancer: fc.constantFrom(
      { algorithm: 'round_robin' },
      { algorithm: 'ring_hash', hash_key: { cookie: 'sid' } },
      { algorithm: 'least_conn', hash_key: null },
    ),
    timeouts: fc.record({ connect: duration, first_byte: duration }, { requiredKeys: [] }),
    health: fc.record(
      {
        active: fc.constantFrom({}, null, { path: '/up', expected_statuses: [200, '204-206'] }),
        slow_start: duration,
      },
      { requiredKeys: [] },
    ),
    breaker: fc.record(
      {
        open_timeout: fc.constant('1s'),
        failure_rate_threshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['hosts'] },
);
const validConfig = fc
  .record({
    pools: fc.dictionary(fc.constantFrom('web', 'auth', 'api', 'db-1'), pool, { minKeys: 1 }),
    ports: fc.uniqueArray(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 3 }),
    routes: fc.array(
      fc.record({
        prefix: fc.constantFrom('/', '/api', '/v1/x'),
        methods,
        timeout: fc.constantFrom(2, '1s', '30s', 45_000),
        hedge: fc.boolean(),
        poolPick: fc.nat(),
      }),
      { maxLength: 5 },
    ),
  })
  .map(({ pools, ports, routes }) => {
    const names = Object.keys(pools);
    return {
      listeners: ports.map((port, i) => ({ name: `l${i}`, port })),
      admin: { port: 9901, token: '${TOKEN:-none}' },
      pools,
      routes: routes.map((r, i) => ({
        name: `r${i}`,
        pool: names[r.poolPick % names.length],
        match: { path_prefix: r.prefix, methods: r.methods },
        timeout: r.timeout,
        hedge: { enabled: r.hedge, delay: 1 },
      })),
    };
  });

test('a generated valid config validates, and round-trips through JSON text to an equal Config', () => {
  fc.assert(
    fc.property(validConfig, (raw) => {
      const direct = validateConfig(raw, {});
      if (!direct.ok) assert.fail(JSON.stringify(direct.problems));
      const text = parseConfig(JSON.stringify(raw, null, 2), { format: 'json', env: {} });
      assert.ok(text.ok);
      assert.deepEqual(text.config, direct.config);
      assert.equal(text.version, direct.version);
      // The resolved form is itself valid input and resolves to itself.
      const again = validateConfig(JSON.parse(JSON.stringify(direct.config)), {});
      assert.ok(again.ok);
      assert.deepEqual(again.config, direct.config);
    }),
    { numRuns: 150 },
  );
});

test('the JSON error finder accepts everything JSON.stringify writes', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      assert.equal(findJsonError(JSON.stringify(v, null, pretty ? 2 : 0)), null);
    }),
  );
});
