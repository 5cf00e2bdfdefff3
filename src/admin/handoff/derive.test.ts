import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Change } from '../../telemetry/changes.js';
import { deriveHandoff } from './derive.js';
import { host, inputs, openBreaker, pool } from './fixtures.test-util.js';
import type { HandoffInputs } from './types.js';

const T = { threshold_percent: 80 };
const KEYS = [
  'active_incidents',
  'current_load',
  'details',
  'recent_changes',
  'scaling_headroom',
  'system_health',
];

const cases: Array<{
  name: string;
  in: HandoffInputs;
  health: 'healthy' | 'degraded' | 'critical';
  incidents: number;
  load?: string;
  headroom?: string;
  max?: string;
}> = [
  {
    name: 'all well',
    in: inputs(),
    health: 'healthy',
    incidents: 0,
    load: '10%',
    headroom: '70%',
    max: 'cpu',
  },
  {
    name: 'one host breaker open',
    in: inputs({ pools: [pool('app', [host('a', { breaker: openBreaker }), host('b'), host('c')])] }),
    health: 'degraded',
    incidents: 1,
  },
  {
    name: 'a breaker open on an ejected host counts once',
    in: inputs({ pools: [pool('app', [host('a', { breaker: openBreaker, ejected: true }), host('b')])] }),
    health: 'degraded',
    incidents: 1,
  },
  {
    name: 'an ejection alone degrades without an incident',
    in: inputs({ pools: [pool('app', [host('a', { ejected: true }), host('b')])] }),
    health: 'degraded',
    incidents: 0,
  },
  {
    name: 'a pool with no available host is critical',
    in: inputs({ pools: [pool('app', [host('a', { healthy: false }), host('b', { healthy: false })])] }),
    health: 'critical',
    incidents: 1,
  },
  {
    name: 'a pool in panic counts once, its host breakers subsumed',
    in: inputs({
      pools: [
        pool('app', [host('a', { breaker: openBreaker }), host('b', { breaker: openBreaker }), host('c')], {
          panic: true,
        }),
      ],
      route_breakers: [{ route: 'r', pool: 'app', state: 'open', since: '2026-01-01T00:00:00.000Z' }],
    }),
    health: 'critical',
    incidents: 1,
  },
  {
    name: 'an optional pool down is only degraded',
    in: inputs({
      pools: [pool('app', [host('a')]), pool('extras', [host('x', { healthy: false })])],
      optional_pools: ['extras'],
    }),
    health: 'degraded',
    incidents: 1,
  },
  {
    name: 'a route breaker and a warning alert are two incidents',
    in: inputs({
      route_breakers: [{ route: 'r', pool: 'app', state: 'half_open', since: '2026-01-01T00:00:00.000Z' }],
      alerts: [
        { name: 'slo-burn', severity: 'warning', summary: 'burning', since: '2026-01-01T00:00:00.000Z' },
      ],
    }),
    health: 'degraded',
    incidents: 2,
  },
  {
    name: 'a critical alert is critical',
    in: inputs({ alerts: [{ name: 'budget', severity: 'critical', summary: 'exhausted', since: 'x' }] }),
    health: 'critical',
    incidents: 1,
  },
  {
    name: 'the event loop is the busiest resource',
    in: inputs({
      load: {
        cpu_percent: 20,
        event_loop_utilization_percent: 45.4,
        event_loop_delay_p99_ms: 1,
        window_ms: 1,
      },
    }),
    health: 'healthy',
    incidents: 0,
    load: '45%',
    headroom: '35%',
    max: 'event_loop',
  },
  {
    name: 'a pool near its concurrency limit is the busiest resource and degrades',
    in: inputs({
      concurrency: [
        { pool: 'app', in_flight: 90, limit: 100 },
        { pool: 'free', in_flight: 5000, limit: 0 },
      ],
    }),
    health: 'degraded',
    incidents: 0,
    load: '90%',
    headroom: '0%',
    max: 'pool:app',
  },
  {
    name: 'headroom clamps at 0 above the threshold',
    in: inputs({
      load: {
        cpu_percent: 130,
        event_loop_utilization_percent: 99,
        event_loop_delay_p99_ms: 1,
        window_ms: 1,
      },
    }),
    health: 'degraded',
    incidents: 0,
    load: '130%',
    headroom: '0%',
    max: 'cpu',
  },
];

for (const c of cases) {
  test(`deriveHandoff: ${c.name}`, () => {
    const r = deriveHandoff(c.in, T);
    assert.deepEqual(Object.keys(r).sort(), KEYS);
    assert.equal(r.system_health, c.health, r.details.health_reasons.join('; '));
    assert.equal(r.active_incidents, c.incidents, JSON.stringify(r.details.incidents));
    assert.equal(r.details.incidents.length, r.active_incidents);
    if (c.load) assert.equal(r.current_load, c.load);
    if (c.headroom) assert.equal(r.scaling_headroom, c.headroom);
    if (c.max) assert.equal(r.details.load.max_resource, c.max);
    assert.equal(r.details.derivation, 'docs/handoff.md');
  });
}

test('deriveHandoff: an endpoint failing on every host is its own incident, not a host down', () => {
  const broken = {
    route: 'app',
    endpoint: 'GET /broken',
    state: 'open' as const,
    since: '2026-01-01T00:00:00.000Z',
    retry_after_ms: 4000,
    requests: 0,
    failures: 0,
    failing_hosts: 3,
    refused: 42,
  };
  const flaky = { ...broken, endpoint: 'GET /search', state: 'closed' as const, failures: 6, requests: 20 };
  const r = deriveHandoff(
    inputs({ pools: [pool('app', [host('a'), host('b')], { endpoints: [broken, flaky] })] }),
    T,
  );
  assert.equal(r.system_health, 'degraded');
  assert.equal(r.active_incidents, 1, 'a closed endpoint with some failures is no incident');
  const [incident] = r.details.incidents;
  assert.equal(incident?.kind, 'endpoint_failing');
  assert.equal(incident?.endpoint, 'GET /broken');
  assert.equal(incident?.route, 'app');
  assert.match(incident?.description ?? '', /failing on every host .*42 requests answered 503/);
  assert.deepEqual(r.details.pools[0]?.endpoints_failing, ['app GET /broken']);
  assert.ok(r.details.health_reasons.includes('endpoint GET /broken of route app failing (open)'));
  // A pool that is down subsumes its endpoints: one root cause, one incident.
  const down = deriveHandoff(
    inputs({
      pools: [pool('app', [host('a', { breaker: openBreaker })], { available: 0, endpoints: [broken] })],
    }),
    T,
  );
  assert.equal(down.active_incidents, 1);
  assert.equal(down.details.incidents[0]?.kind, 'pool_down');
  assert.deepEqual(down.details.incidents[0]?.subsumes, ['host:a', 'endpoint:app GET /broken']);
});

test('deriveHandoff: recent_changes newest first, bounded to 20, each with a time', () => {
  const changes: Change[] = Array.from({ length: 30 }, (_, i) => ({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, 30 - i)).toISOString(),
    type: 'host.ejected',
    pool: 'app',
    host: 'a',
    reason: `#${i}`,
  }));
  const r = deriveHandoff(inputs({ changes }), T);
  assert.equal(r.recent_changes.length, 20);
  assert.equal(r.recent_changes[0]!.reason, '#0');
  assert.ok(r.recent_changes.every((c) => !Number.isNaN(Date.parse(c.time))));
});

test('deriveHandoff: traffic details (error rate, p95 as a bucket bound)', () => {
  const bounds = [10, 100, 1000];
  const r = deriveHandoff(
    inputs({
      traffic: {
        window_seconds: 60,
        requests: 100,
        errors_5xx: 10,
        bounds_ms: bounds,
        counts: [90, 5, 5, 0],
      },
    }),
    T,
  );
  assert.deepEqual(r.details.traffic, {
    window_seconds: 60,
    requests: 100,
    errors_5xx: 10,
    error_rate: 0.1,
    p95_ms: 100,
  });
});

test('property: exactly the five keys + details; headroom = max(0, threshold − load); critical ⇒ incidents > 0', () => {
  const pct = fc.double({ min: 0, max: 400, noNaN: true });
  fc.assert(
    fc.property(
      pct,
      pct,
      fc.integer({ min: 0, max: 100 }),
      fc.boolean(),
      fc.boolean(),
      (cpu, elu, th, down, open) => {
        const hosts = [
          host('a', { healthy: !down, breaker: open ? openBreaker : null }),
          host('b', { healthy: !down }),
        ];
        const r = deriveHandoff(
          inputs({
            pools: [pool('app', hosts)],
            load: {
              cpu_percent: cpu,
              event_loop_utilization_percent: elu,
              event_loop_delay_p99_ms: 0,
              window_ms: 1,
            },
          }),
          { threshold_percent: th },
        );
        assert.deepEqual(Object.keys(r).sort(), KEYS);
        const load = Number.parseInt(r.current_load, 10);
        assert.equal(load, Math.round(Math.max(cpu, elu)));
        assert.equal(r.scaling_headroom, `${Math.max(0, th - load)}%`);
        if (r.system_health === 'critical') assert.ok(r.active_incidents > 0);
        if (load >= th) assert.notEqual(r.system_health, 'healthy');
      },
    ),
  );
});
