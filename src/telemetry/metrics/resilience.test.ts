import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { EventBus } from '../../core/events.js';
import { value } from './metrics.test-util.js';
import { subscribeResilience } from './resilience.js';

function setup() {
  const bus = new EventBus();
  const registry = new Registry();
  subscribeResilience(bus, registry);
  return { bus, registry };
}

describe('resilience counters', () => {
  it('counts host and route breaker transitions apart', async () => {
    const { bus, registry } = setup();
    const t = { pool: 'app', reason: 'x', at: 0 } as const;
    bus
      .channel('breaker.transition')
      .publish({ ...t, scope: 'host', host: 'h1', route: '', from: 'closed', to: 'open' });
    bus
      .channel('breaker.transition')
      .publish({ ...t, scope: 'route', host: '', route: 'api', from: 'closed', to: 'open' });
    const labels = { pool: 'app', host: 'h1', from: 'closed', to: 'open' };
    assert.equal(await value(registry, 'keel_breaker_transitions_total', labels), 1);
    assert.equal(
      await value(registry, 'keel_route_breaker_transitions_total', { route: 'api', to: 'open' }),
      1,
    );
  });

  it('counts endpoint-breaker transitions per endpoint', async () => {
    const { bus, registry } = setup();
    const e = { pool: 'app', route: 'web', endpoint: 'GET /broken', reason: 'x', failingHosts: 3, at: 0 };
    bus.channel('endpoint.transition').publish({ ...e, from: 'closed', to: 'open' });
    bus.channel('endpoint.transition').publish({ ...e, from: 'open', to: 'half_open' });
    const T = 'keel_endpoint_breaker_transitions_total';
    assert.equal(await value(registry, T, { route: 'web', endpoint: 'GET /broken', to: 'open' }), 1);
    assert.equal(await value(registry, T, { endpoint: 'GET /broken', from: 'open', to: 'half_open' }), 1);
  });

  it('counts ejections by reason and health checks by result', async () => {
    const { bus, registry } = setup();
    bus.channel('host.ejected').publish({
      pool: 'app',
      host: 'h1',
      reason: 'consecutive_5xx',
      ejectionMs: 30_000,
      ejections: 1,
      at: 0,
    });
    const check = { pool: 'app', host: 'h1', status: 200, error: '', durationMs: 1 };
    bus.channel('health.check').publish({ ...check, ok: true });
    bus.channel('health.check').publish({ ...check, ok: false });
    bus.channel('health.check').publish({ ...check, ok: false });
    assert.equal(
      await value(registry, 'keel_host_ejections_total', { host: 'h1', reason: 'consecutive_5xx' }),
      1,
    );
    assert.equal(await value(registry, 'keel_health_checks_total', { host: 'h1', result: 'ok' }), 1);
    assert.equal(await value(registry, 'keel_health_checks_total', { host: 'h1', result: 'fail' }), 2);
  });

  it('counts allowed retries by reason and refusals by what refused them', async () => {
    const { bus, registry } = setup();
    const r = { requestId: 'r', pool: 'app', route: 'api', attempt: 1, reason: 'status_503' };
    const ch = bus.channel('retry');
    ch.publish({ ...r, allowed: true, refusedBy: '' });
    ch.publish({ ...r, allowed: false, refusedBy: 'budget' });
    ch.publish({ ...r, allowed: false, refusedBy: 'deadline' });
    const at = { pool: 'app', route: 'api' };
    assert.equal(await value(registry, 'keel_retries_total', { ...at, reason: 'status_503' }), 1);
    assert.equal(await value(registry, 'keel_retry_budget_exhausted_total', at), 1);
    assert.equal(await value(registry, 'keel_retries_refused_total', { ...at, refused_by: 'deadline' }), 1);
    assert.equal(await value(registry, 'keel_retries_refused_total', { ...at, refused_by: 'budget' }), 1);
  });

  it('counts shed requests by reason', async () => {
    const { bus, registry } = setup();
    bus.channel('shed').publish({ pool: 'app', route: 'api', reason: 'queue_full', queueDepth: 10, at: 0 });
    assert.equal(
      await value(registry, 'keel_shed_total', { pool: 'app', route: 'api', reason: 'queue_full' }),
      1,
    );
  });
});
