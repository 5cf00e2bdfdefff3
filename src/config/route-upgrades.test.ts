import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimal } from './helpers.test.js';
import { validateConfig } from './validate.js';

const route = (upgrades: unknown) => ({ ...minimal(), routes: [{ pool: 'web', upgrades }] });

test('routes tunnel websocket unless they say otherwise; names are lower-cased and deduplicated', () => {
  const d = validateConfig(minimal(), {});
  assert.ok(d.ok);
  assert.deepEqual(d.config.routes[0]!.upgrades, ['websocket']);
  const none = validateConfig(route([]), {});
  assert.ok(none.ok);
  assert.deepEqual(none.config.routes[0]!.upgrades, []);
  const two = validateConfig(route(['WebSocket', 'websocket', 'my-proto']), {});
  assert.ok(two.ok);
  assert.deepEqual(two.config.routes[0]!.upgrades, ['websocket', 'my-proto']);
});

test('h2c is refused whatever its case, saying why and what to do', () => {
  for (const name of ['h2c', 'H2C']) {
    const r = validateConfig(route(['websocket', name]), {});
    assert.ok(!r.ok, name);
    assert.deepEqual(
      r.problems.map((p) => [p.path, p.code, p.message]),
      [['routes[0].upgrades[1]', 'unsafe_upgrade', 'h2c is never tunnelled']],
    );
    assert.match(r.problems[0]!.hint, /remove it/);
    assert.match(r.problems[0]!.hint, /smuggling/);
  }
});

test('an upgrade protocol must be a token', () => {
  const r = validateConfig(route(['web socket']), {});
  assert.ok(!r.ok);
  assert.equal(r.problems[0]!.path, 'routes[0].upgrades[0]');
});
