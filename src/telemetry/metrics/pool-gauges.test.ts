import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { EventBus } from '../../core/events.js';
import { subscribeConfigMetrics } from './config-metrics.js';
import { series, value } from './metrics.test-util.js';
import { registerPoolGauges } from './pool-gauges.js';
import type { MetricsSource, PoolViewLike } from './source.js';

const pool = (over: Partial<PoolViewLike> = {}): PoolViewLike => ({
  name: 'app',
  panic: false,
  available: 1,
  queue_depth: 3,
  hosts: [
    { name: 'h1', healthy: true, ejected: false, breaker: { state: 'open' } },
    { name: 'h2', healthy: false, ejected: true, breaker: null },
  ],
  ...over,
});

describe('pool gauges (read at scrape time)', () => {
  it('reflect the pool views at the moment of the scrape', async () => {
    let pools: PoolViewLike[] = [pool()];
    const source: MetricsSource = { pools: () => pools, configVersion: () => 'v1' };
    const registry = new Registry();
    registerPoolGauges(registry, source);
    const B = 'keel_breaker_state';
    assert.equal(await value(registry, B, { host: 'h1', state: 'open' }), 1);
    assert.equal(await value(registry, B, { host: 'h1', state: 'closed' }), 0);
    assert.ok(!(await series(registry, B)).some((l) => l.host === 'h2'), 'no breaker, no series');
    assert.equal(await value(registry, 'keel_host_ejected', { host: 'h2' }), 1);
    assert.equal(await value(registry, 'keel_host_healthy', { host: 'h2' }), 0);
    assert.equal(await value(registry, 'keel_host_healthy', { host: 'h1' }), 1);
    assert.equal(await value(registry, 'keel_queue_depth', { pool: 'app' }), 3);
    assert.equal(await value(registry, 'keel_pool_available_hosts', { pool: 'app' }), 1);
    assert.equal(await value(registry, 'keel_pool_panic', { pool: 'app' }), 0);

    assert.deepEqual(
      await series(registry, 'keel_endpoint_breaker_state'),
      [],
      'no endpoint listed, no series',
    );
    pools = [pool({ endpoints: [{ route: 'web', endpoint: 'GET /broken', state: 'open' }] })];
    const E = 'keel_endpoint_breaker_state';
    assert.equal(await value(registry, E, { route: 'web', endpoint: 'GET /broken', state: 'open' }), 1);
    assert.equal(await value(registry, E, { endpoint: 'GET /broken', state: 'closed' }), 0);

    pools = [pool({ name: 'other', panic: true, hosts: [] })];
    assert.equal(await value(registry, 'keel_pool_panic', { pool: 'other' }), 1);
    assert.deepEqual(await series(registry, 'keel_host_ejected'), [], 'removed hosts disappear');
  });
});

describe('config metrics', () => {
  it('count reloads by result and source and expose the served version', async () => {
    const bus = new EventBus();
    const registry = new Registry();
    let version = 'v1';
    subscribeConfigMetrics(bus, registry, () => version);
    const ch = bus.channel('config.reload');
    ch.publish({ ok: true, version: 'v1', source: 'startup', problems: [], at: 0 });
    ch.publish({ ok: false, version: '', source: 'api', problems: ['x'], at: 0 });
    version = 'v2';
    ch.publish({ ok: true, version: 'v2', source: 'sighup', problems: [], at: 0 });
    const R = 'keel_config_reloads_total';
    assert.equal(await value(registry, R, { result: 'ok', source: 'startup' }), 1);
    assert.equal(await value(registry, R, { result: 'rejected', source: 'api' }), 1);
    assert.equal(await value(registry, R, { result: 'ok', source: 'sighup' }), 1);
    assert.deepEqual(await series(registry, 'keel_config_info'), [{ version: 'v2' }]);
  });
});
