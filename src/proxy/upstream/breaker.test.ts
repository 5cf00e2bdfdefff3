import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fail, harness, poolConfig, respond } from './pool.test-util.js';

const withBreaker = (extra: { statuses?: number[]; server_errors?: boolean } = {}) =>
  poolConfig({
    health: { outlier: { enabled: false } },
    breaker: {
      enabled: true,
      consecutive_failures: 2,
      open_timeout: 1000,
      max_open_timeout: 8000,
      failure_on: {
        server_errors: extra.server_errors ?? true,
        timeouts: true,
        resets: true,
        statuses: extra.statuses ?? [],
      },
    },
  });

test('an OPEN host leaves the candidates; after the timeout it is HALF_OPEN and gets one probe; success closes', async (t) => {
  const h = harness(withBreaker());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 503, 2);
  const [opened] = h.of('breaker.transition');
  assert.deepEqual(
    { ...opened, reason: '' },
    {
      scope: 'host',
      pool: 'web',
      host: 'h0',
      route: '',
      from: 'closed',
      to: 'open',
      reason: '',
      at: h.clock.now(),
    },
  );
  assert.deepEqual(h.spy.candidates, ['h1', 'h2']);
  const v = h.pool.view().hosts[0]!;
  assert.equal(v.state, 'breaker_open');
  assert.equal(v.breaker?.state, 'open');
  assert.equal(v.breaker?.retry_after_ms, 1000);
  assert.equal(h.pool.tryStart(h0), false, 'an OPEN breaker refuses');
  assert.equal(h0.inFlight, 0);

  h.scheduler.advance(1000); // the wake-up timer reads the breaker: OPEN -> HALF_OPEN
  assert.deepEqual(
    h.of('breaker.transition').map((e) => e.to),
    ['open', 'half_open'],
  );
  assert.deepEqual(h.spy.candidates, ['h0', 'h1', 'h2']);
  assert.equal(h.pool.view().hosts[0]?.state, 'breaker_half_open');
  assert.equal(h.pool.tryStart(h0), true, 'the probe');
  assert.equal(h.pool.tryStart(h0), false, 'half_open_max_probes = 1');
  h.pool.tryEnd(h0, { kind: 'response', status: 200, latencyMs: 5 });
  assert.deepEqual(
    h.of('breaker.transition').map((e) => e.to),
    ['open', 'half_open', 'closed'],
  );
  assert.equal(h.pool.view().hosts[0]?.state, 'healthy');
});

test('a failed probe re-opens with a doubled timeout; an aborted probe frees its slot', async (t) => {
  const h = harness(withBreaker());
  t.after(() => h.pool.close());
  const h1 = h.host('h1');
  fail(h, h1, 'timeout', 2);
  h.scheduler.advance(1000);
  assert.equal(h.pool.tryStart(h1), true);
  h.pool.tryEnd(h1, { kind: 'error', error: 'aborted', latencyMs: 3 });
  assert.equal(h.pool.tryStart(h1), true, 'the aborted probe gave its slot back');
  h.pool.tryEnd(h1, { kind: 'error', error: 'reset', latencyMs: 3 });
  assert.deepEqual(
    h.of('breaker.transition').map((e) => e.to),
    ['open', 'half_open', 'open'],
  );
  assert.equal(h.pool.view().hosts[1]?.breaker?.retry_after_ms, 2000);
  assert.deepEqual(h.spy.candidates, ['h0', 'h2']);
  h.scheduler.advance(1999);
  assert.deepEqual(h.spy.candidates, ['h0', 'h2']);
  h.scheduler.advance(1);
  assert.deepEqual(h.spy.candidates, ['h0', 'h1', 'h2']);
});

test('failure_on decides what counts: chosen statuses, server errors off', async (t) => {
  const h = harness(withBreaker({ server_errors: false, statuses: [429] }));
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 500, 5);
  fail(h, h0, 'other', 5);
  assert.equal(h.of('breaker.transition').length, 0);
  respond(h, h0, 429, 2);
  assert.equal(h.of('breaker.transition')[0]?.to, 'open');
});

test('breaker and ejection together: state precedence in the view', async (t) => {
  const h = harness(
    poolConfig({
      breaker: { enabled: true, consecutive_failures: 3, open_timeout: 1000 },
      health: { outlier: { consecutive_gateway_failures: 3 } },
    }),
  );
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  fail(h, h0, 'connect', 3); // ejects (10s) and opens the breaker (1s)
  assert.equal(h.pool.view().hosts[0]?.state, 'breaker_open');
  h.scheduler.advance(1000);
  assert.equal(h.pool.view().hosts[0]?.state, 'ejected');
  assert.deepEqual(h.spy.candidates, ['h1', 'h2'], 'still ejected although half-open');
  h.scheduler.advance(9000);
  assert.equal(h.pool.view().hosts[0]?.state, 'breaker_half_open');
});
