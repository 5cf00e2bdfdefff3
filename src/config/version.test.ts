import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configJsonSchema, configVersion, diffConfig, validateConfig } from './index.js';
import type { Config } from './types.js';
import { canonicalJson } from './version.js';

function valid(raw: unknown): Config {
  const r = validateConfig(raw, {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const base = {
  pools: { web: { hosts: ['http://a:1'] }, auth: { hosts: ['http://b:1'] } },
  routes: [{ pool: 'web' }],
};

test('configVersion is 12 hex chars, stable across key order, sensitive to any change', () => {
  const a = valid(base);
  const v = configVersion(a);
  assert.match(v, /^[0-9a-f]{12}$/);
  const reordered = valid({ routes: base.routes, pools: { auth: base.pools.auth, web: base.pools.web } });
  assert.equal(configVersion(reordered), v);
  assert.notEqual(configVersion(valid({ ...base, limits: { max_url_length: 8193 } })), v);
  assert.notEqual(configVersion(valid({ ...base, routes: [{ pool: 'web', timeout: 29_999 }] })), v);
  const r = validateConfig(base, {});
  assert.equal(r.ok && r.version, v);
});

test('canonicalJson sorts keys at every depth', () => {
  assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
});

test('diffConfig names added, removed and changed pools and the changed sections', () => {
  const a = valid(base);
  assert.deepEqual(diffConfig(a, a), {
    pools: { added: [], removed: [], changed: [] },
    routesChanged: false,
    listenersChanged: false,
    adminChanged: false,
    sections: [],
  });
  const b = valid({
    pools: { web: { hosts: ['http://a:1', 'http://a:2'] }, api: { hosts: ['http://c:1'] } },
    routes: [{ pool: 'api' }],
    listeners: [{ port: 1 }],
    admin: { token: 't' },
    limits: { max_body_bytes: 1 },
  });
  assert.deepEqual(diffConfig(a, b), {
    pools: { added: ['api'], removed: ['auth'], changed: ['web'] },
    routesChanged: true,
    listenersChanged: true,
    adminChanged: true,
    sections: ['listeners', 'admin', 'limits', 'pools', 'routes'],
  });
});

test('configJsonSchema is JSON, describes the input and its sections', () => {
  const s = configJsonSchema();
  const round = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
  assert.deepEqual(round, s);
  assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(s.additionalProperties, false);
  const props = s.properties as Record<string, Record<string, unknown>>;
  for (const k of ['listeners', 'pools', 'routes', 'admin']) assert.ok(props[k], k);
  const pool = (props.pools?.additionalProperties ?? {}) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  const connect = pool.properties.timeouts?.properties?.connect as { type: string[]; description: string };
  assert.deepEqual(connect.type, ['number', 'string']);
  assert.match(connect.description, /Default 2s\./);
  const text = JSON.stringify(s);
  assert.ok(text.includes('ring_hash') && text.includes('"required":["pool"]'));
});
