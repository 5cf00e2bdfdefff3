// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { linesOf } from './helpers.test.js';
import { configJsonSchema, formatProblem, loadConfigFile, parseConfig } from './index.js';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'keel-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const YAML = `
pools:
  web:
    hosts: [http://127.0.0.1:8081]
    timeouts: { connect: 2s }
routes:
  - pool: web
    match: { path_prefix: /api, methods: [get] }
`;

test('YAML and JSON texts of the same config resolve to the same Config and version', () => {
  const y = parseConfig(YAML, { format: 'yaml', env: {} });
  const json = JSON.stringify({
    pools: { web: { hosts: ['http://127.0.0.1:8081'], timeouts: { connect: '2s' } } },
    routes: [{ pool: 'web', match: { path_prefix: '/api', methods: ['get'] } }],
  });
  const j = parseConfig(json, { format: 'json', env: {} });
  assert.ok(y.ok && j.ok);
  assert.deepEqual(y.config, j.config);
  assert.equal(y.version, j.version);
  assert.equal(y.config.pools.web?.timeouts.connect, 2000);
});

test('YAML syntax errors name the line and column', () => {
  const r = parseConfig('pools:\n  web:\n    hosts: [http://a:1\nroutes: []\n', { format: 'yaml', env: {} });
  assert.equal(r.ok, false);
  const p = !r.ok ? r.problems[0]! : undefined;
  assert.equal(p?.path, '(file)');
  assert.equal(p?.code, 'parse_error');
  assert.match(p?.message ?? '', /^YAML syntax error at line \d+, column \d+: /);
  const dup = parseConfig('admin: {port: 1}\nadmin: {port: 2}\n', { format: 'yaml', env: {} });
  assert.match(linesOf(dup)[0]!, /^\(file\): YAML syntax error at line 2, column 1: Map keys must be unique/);
});

test('an unquoted ${VAR} in flow style is one problem with the quoting hint, not a cascade', () => {
  const yaml = (text: string) => parseConfig(text, { format: 'yaml', env: { X: 'secret' } });
  const flow = `listeners: [{ port: 0 }]
admin: { token: \${X}, port: 9901 }
pools:
  web: { hosts: ["http://127.0.0.1:9001"] }
routes:
  - pool: web
`;
  const r = yaml(flow);
  assert.ok(!r.ok);
  assert.deepEqual(
    r.problems.map((p) => formatProblem(p)),
    [
      '(file): YAML syntax error at line 2, column 17: ${X} is not quoted inside a flow mapping { } or sequence [ ], where { and } are YAML syntax; fix: quote it: token: "${X}"',
    ],
  );
  // Spread over lines, or in a flow sequence: still one line, at the variable.
  const multi = yaml('admin: {\n  port: 9901,\n  token: ${X}\n}\n');
  assert.deepEqual(linesOf(multi), [
    '(file): YAML syntax error at line 3, column 10: ${X} is not quoted inside a flow mapping { } or sequence [ ], where { and } are YAML syntax',
  ]);
  const seq = yaml('pools:\n  web:\n    hosts: [${A}]\n');
  assert.ok(!seq.ok);
  assert.deepEqual(
    seq.problems.map((p) => p.hint),
    ['quote it: "${A}"'],
  );
  // Quoted, or in block style, the variable is a value and expands.
  for (const ok of [
    flow.replace('${X}', '"${X}"'),
    flow.replace('admin: { token: ${X}, port: 9901 }', 'admin:\n  token: ${X}'),
  ]) {
    const v = yaml(ok);
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
    assert.equal(v.config.admin.token, 'secret');
  }
  // A $ or { in a comment or a quoted string earlier on does not confuse it.
  const other = yaml('# a ${COMMENT} { [\nadmin: { name: "a ${B} }", token: ${X} }\n');
  assert.deepEqual(!other.ok && other.problems.map((p) => p.message), [
    'YAML syntax error at line 2, column 35: ${X} is not quoted inside a flow mapping { } or sequence [ ], where { and } are YAML syntax',
  ]);
});

test('JSON syntax errors name the line and column, whatever V8 says', () => {
  assert.deepEqual(linesOf(parseConfig('{\n  "pools": {},\n  "routes": ]\n}', { format: 'json', env: {} })), [
    '(file): JSON syntax error at line 3, column 13: unexpected "]"; expected a value',
  ]);
  assert.deepEqual(linesOf(parseConfig('{"admin": {"port": 1}, "admin": {}}', { format: 'json', env: {} })), [
    '(file): JSON syntax error at line 1, column 24: duplicate key "admin"',
  ]);
  assert.deepEqual(linesOf(parseConfig('{"a": 1', { format: 'json', env: {} })), [
    '(file): JSON syntax error at line 1, column 8: unexpected end of input; expected "," or "}"',
  ]);
});

test('files: format by extension, else YAML; an unreadable file is a read_error', () => {
  const j = join(dir, 'c.json');
  writeFileSync(j, JSON.stringify({ listeners: [{ port: 1234 }] }));
  const r = loadConfigFile(j, {});
  assert.equal(r.ok && r.config.listeners[0]?.port, 1234);
  const conf = join(dir, 'keel.conf');
  writeFileSync(conf, 'listeners: [{port: 4321}]\n');
  const c = loadConfigFile(conf, {});
  assert.equal(c.ok && c.config.listeners[0]?.port, 4321);
  const missing = loadConfigFile(join(dir, 'nope.yaml'), {});
  assert.deepEqual(!missing.ok && missing.problems.map((p) => [p.path, p.code]), [['(file)', 'read_error']]);
  assert.match(!missing.ok ? missing.problems[0]!.message : '', /cannot read ".*nope\.yaml" \(ENOENT\)/);
});

test('an empty file is a clear problem', () => {
  assert.deepEqual(linesOf(parseConfig('', { format: 'yaml', env: {} })), [
    '(root): expected an object of sections, received nothing (the config is empty)',
  ]);
});

test('examples/keel.yaml is valid and uses what it claims to', () => {
  const r = loadConfigFile(example('keel.yaml'), {});
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  const c = r.config;
  assert.deepEqual(Object.keys(c.pools), ['web', 'auth']);
  assert.equal(c.routes.length, 4);
  assert.equal(c.cache.memory.max_bytes, 268_435_456);
  assert.deepEqual(
    c.routes
      .filter((route) => route.cache?.enabled && route.browser_cache !== null)
      .map((route) => route.name),
    ['assets'],
  );
  assert.deepEqual(c.pools.auth?.balancer, { algorithm: 'ring_hash', hash_key: { cookie: 'session_id' } });
  assert.notEqual(c.pools.web?.health.active, null);
  assert.ok(c.routes.some((route) => route.hedge.enabled));
  assert.equal(c.admin.token, null);
  const withToken = loadConfigFile(example('keel.yaml'), { KEEL_ADMIN_TOKEN: 't0k3n' });
  assert.equal(withToken.ok && withToken.config.admin.token, 't0k3n');
});

test('examples/invalid.yaml reports exactly its deliberate problems (docs/configuration.md shows them)', () => {
  const r = loadConfigFile(example('invalid.yaml'), {});
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.problems.map(formatProblem), INVALID_LINES);
});

const INVALID_LINES = [
  'admin.port: 8080 is also the port of listeners[0] ("main"); fix: give the admin server its own port (default 9901), or 0 for any free port',
  'pools.web.hosts[0]: "http://127.0.0.1:8081/app" has a path, query or credentials; a host is an origin only; fix: use an http:// or https:// origin with no path or query, e.g. "http://127.0.0.1:8081"',
  'pools.web.hosts[1].wieght: unknown key "wieght"; fix: did you mean "weight"? valid keys here: url, weight, name',
  'pools.web.balancer.algorithm: "roundrobin" is not valid; expected one of: p2c_ewma, round_robin, least_conn, weighted_round_robin, ring_hash; fix: did you mean "round_robin"? use one of: p2c_ewma, round_robin, least_conn, weighted_round_robin, ring_hash',
  'pools.web.timeouts.connect: "2 seconds" is not a duration; fix: use a number of milliseconds or a string like "250ms", "2s", "1.5s", "1m", "1h"',
  'pools.auth.balancer.hash_key: ring_hash needs a hash_key; fix: add hash_key with exactly one of header, cookie or path: true',
  'pools.auth.breaker.max_open_timeout: 10s is shorter than open_timeout 30s; fix: make max_open_timeout >= open_timeout (the OPEN time doubles up to it)',
  'routes[1].hedge.enabled: hedging needs idempotent methods, but retry.methods has POST; fix: remove POST from retry.methods or disable hedging (RFC 9110 §9.2.2)',
  'routes[2].timeout: "1.5x" is not a duration; fix: use a number of milliseconds or a string like "250ms", "2s", "1.5s", "1m", "1h"',
  'routes[2].pool: unknown pool "api" (known: web, auth); fix: define pools.api or use one of the known pools',
];

test('docs/configuration.md shows the real invalid.yaml output and names every field of the schema', () => {
  const docs = readFileSync(
    fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)),
    'utf8',
  );
  for (const line of INVALID_LINES) assert.ok(docs.includes(line), line);
  const keys = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) s.forEach(walk);
    else if (s !== null && typeof s === 'object') {
      for (const [k, v] of Object.entries(s)) {
        if (k === 'properties') for (const name of Object.keys(v as object)) keys.add(name);
        walk(v);
      }
    }
  };
  walk(configJsonSchema());
  const missing = [...keys].filter((k) => !new RegExp(`\`[^\`\\n]*\\b${k}\\b[^\`\\n]*\``).test(docs));
  assert.deepEqual(missing, []);
});
