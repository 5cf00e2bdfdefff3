// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { substituteEnv } from './env.js';
import { formatProblem, validateConfig } from './index.js';

test('${VAR} and ${VAR:-default} expand inside string values, at any depth', () => {
  const doc = { a: 'x-${A}-y', list: ['${B:-dflt}', 3, true], nested: { c: '${C:-}' }, '${A}': 'keys stay' };
  const r = substituteEnv(doc, { A: 'aa', C: 'cc' });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.value, {
    a: 'x-aa-y',
    list: ['dflt', 3, true],
    nested: { c: 'cc' },
    '${A}': 'keys stay',
  });
});

test(':- takes the default when the variable is empty, like the shell; plain ${VAR} keeps the empty value', () => {
  assert.deepEqual(substituteEnv({ a: '${E:-d}', b: '[${E}]' }, { E: '' }).value, { a: 'd', b: '[]' });
});

test('$${ is a literal ${ and a lone $ stays', () => {
  assert.deepEqual(substituteEnv({ a: 'cost $5 and $${HOME}' }, {}).value, { a: 'cost $5 and ${HOME}' });
});

test('a missing variable is a missing_env problem at the exact path, with the fix', () => {
  const r = validateConfig({ admin: { token: '${KEEL_ADMIN_TOKEN}' } }, {});
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.problems, [
    {
      path: 'admin.token',
      code: 'missing_env',
      message: 'environment variable "KEEL_ADMIN_TOKEN" is not set',
      hint: 'export KEEL_ADMIN_TOKEN=... or use ${KEEL_ADMIN_TOKEN:-default}',
    },
  ]);
  assert.equal(
    !r.ok && formatProblem(r.problems[0]!),
    'admin.token: environment variable "KEEL_ADMIN_TOKEN" is not set; fix: export KEEL_ADMIN_TOKEN=... or use ${KEEL_ADMIN_TOKEN:-default}',
  );
});

test('every missing variable is reported; the unexpanded text is not reported again', () => {
  const raw = { pools: { web: { hosts: ['http://${H}:${P}'] } } };
  const r = validateConfig(raw, {});
  assert.deepEqual(!r.ok && r.problems.map((p) => `${p.path} ${p.code} ${p.message}`), [
    'pools.web.hosts[0] missing_env environment variable "H" is not set',
    'pools.web.hosts[0] missing_env environment variable "P" is not set',
  ]);
  const ok = validateConfig(raw, { H: '10.0.0.1', P: '81' });
  assert.equal(ok.ok && ok.config.pools.web?.hosts[0]?.url, 'http://10.0.0.1:81');
});

test('a malformed reference is a problem, not a silent literal', () => {
  const r = substituteEnv({ a: 'x ${1BAD} y', b: '${OPEN' }, {});
  assert.deepEqual(
    r.problems.map((p) => [p.path, p.code, p.message]),
    [
      ['a', 'invalid_env_reference', 'malformed reference "${1BAD}" in "x ${1BAD} y"'],
      ['b', 'invalid_env_reference', 'malformed reference "${OPEN" in "${OPEN"'],
    ],
  );
});

test('an empty admin token from ${VAR:-} means no token', () => {
  const r = validateConfig({ admin: { token: '${T:-}' } }, {});
  assert.equal(r.ok && r.config.admin.token, null);
  const set = validateConfig({ admin: { token: '${T:-}' } }, { T: 's3cret' });
  assert.equal(set.ok && set.config.admin.token, 's3cret');
});
