import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { ChangeRing, subscribeChanges } from './changes.js';

test('ChangeRing: bounded, newest first, limit honoured', () => {
  const ring = new ChangeRing(5);
  for (let i = 0; i < 12; i++)
    ring.push({ time: new Date(i * 1000).toISOString(), type: 'host.restored', reason: `${i}` });
  assert.deepEqual(
    ring.list().map((c) => c.reason),
    ['11', '10', '9', '8', '7'],
  );
  assert.deepEqual(
    ring.list(2).map((c) => c.reason),
    ['11', '10'],
  );
  assert.deepEqual(new ChangeRing(3).list(), []);
});

test('subscribeChanges: an endpoint breaker transition is a change of its own', () => {
  const bus = new EventBus();
  const ring = new ChangeRing(10);
  subscribeChanges(bus, ring, new ManualClock(0));
  const at = Date.UTC(2026, 0, 1);
  bus.channel('endpoint.transition').publish({
    pool: 'p',
    route: 'r',
    endpoint: 'GET /broken',
    from: 'closed',
    to: 'open',
    reason: '100% of 20 tries failed, on 3 hosts',
    failingHosts: 3,
    at,
  });
  assert.deepEqual(ring.list(), [
    {
      time: new Date(at).toISOString(),
      type: 'endpoint.transition',
      pool: 'p',
      route: 'r',
      endpoint: 'GET /broken',
      from: 'closed',
      to: 'open',
      reason: '100% of 20 tries failed, on 3 hosts',
    },
  ]);
});

test('subscribeChanges: records each change event with its time; unsubscribe stops it', () => {
  const bus = new EventBus();
  const ring = new ChangeRing(100);
  const off = subscribeChanges(bus, ring, new ManualClock(0));
  const at = Date.UTC(2026, 0, 1);
  bus.channel('config.reload').publish({ ok: true, version: 'v2', source: 'api', problems: [], at });
  bus
    .channel('config.reload')
    .publish({ ok: false, version: '', source: 'sighup', problems: ['pools.x: bad'], at });
  bus
    .channel('host.ejected')
    .publish({ pool: 'p', host: 'h', reason: 'consecutive_5xx', ejectionMs: 30_000, ejections: 1, at });
  bus.channel('host.restored').publish({ pool: 'p', host: 'h', healthy: true, at });
  bus.channel('breaker.transition').publish({
    scope: 'host',
    pool: 'p',
    host: 'h',
    route: '',
    from: 'closed',
    to: 'open',
    reason: 'failure_rate',
    at,
  });
  bus.channel('breaker.transition').publish({
    scope: 'route',
    pool: 'p',
    host: '',
    route: 'r',
    from: 'open',
    to: 'half_open',
    reason: 'timeout',
    at,
  });
  bus.channel('health.changed').publish({ pool: 'p', host: 'h', healthy: false, at });
  bus.channel('pool.panic').publish({ pool: 'p', panic: true, available: 0, total: 3, at });
  bus.channel('request.done').publish({} as never); // not a change: ignored
  const list = ring.list();
  assert.deepEqual(
    list.map((c) => c.type),
    [
      'pool.panic',
      'health.changed',
      'breaker.transition',
      'breaker.transition',
      'host.restored',
      'host.ejected',
      'config.reload',
      'config.reload',
    ],
  );
  assert.ok(list.every((c) => c.time === '2026-01-01T00:00:00.000Z' && c.reason.length > 0));
  assert.equal(list[7]!.reason, 'api: loaded version v2');
  assert.match(list[6]!.reason, /sighup: rejected \(1 problem: pools\.x: bad\)/);
  assert.deepEqual(
    { from: list[3]!.from, to: list[3]!.to, host: list[3]!.host },
    { from: 'closed', to: 'open', host: 'h' },
  );
  assert.equal(list[2]!.route, 'r');
  off();
  bus.channel('host.restored').publish({ pool: 'p', host: 'h', healthy: true, at });
  assert.equal(ring.list().length, 8);
});

test('an ejection that ends while the host fails its health check is not "restored"', () => {
  const bus = new EventBus();
  const ring = new ChangeRing(10);
  const off = subscribeChanges(bus, ring, new ManualClock(0));
  const at = Date.UTC(2026, 0, 1);
  bus.channel('host.restored').publish({ pool: 'p', host: 'down', healthy: false, at });
  bus.channel('health.changed').publish({ pool: 'p', host: 'down', healthy: true, at: at + 1 });
  bus.channel('host.restored').publish({ pool: 'p', host: 'up', healthy: true, at: at + 2 });
  off();
  assert.deepEqual(
    ring.list().map((c) => [c.type, c.host, c.to ?? null, c.reason]),
    [
      ['host.restored', 'up', null, 'ejection ended'],
      ['health.changed', 'down', 'healthy', 'active health check verdict'],
      [
        'host.ejection_ended',
        'down',
        null,
        'ejection ended; still failing its active health check, out of rotation until it passes',
      ],
    ],
  );
  assert.ok(!ring.list().some((c) => c.type === 'host.restored' && c.host === 'down'));
});
