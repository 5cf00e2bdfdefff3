import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { EventBus } from '../../core/events.js';
import { seededRandom } from '../../core/random.js';
import { HeldClock } from './host.js';
import { createPool } from './pool.js';
import { fail, harness, poolConfig, respond } from './pool.test-util.js';
import { ManualScheduler } from './timers.js';

const PICK = { key: undefined, exclude: undefined };

test('panic mode: entered below the threshold (routing to all hosts), left on recovery, one event each', async (t) => {
  const h = harness(poolConfig({ health: { outlier: { max_ejection_percent: 100 } } }));
  t.after(() => h.pool.close());
  fail(h, h.host('h0'), 'connect', 3);
  assert.equal(h.pool.view().panic, false); // 2 of 3 available = 66% >= 50%
  h.clock.advance(1000);
  fail(h, h.host('h1'), 'connect', 3); // 1 of 3 = 33% < 50%
  const view = h.pool.view();
  assert.equal(view.panic, true);
  assert.equal(view.available, 1);
  assert.deepEqual(h.spy.candidates, ['h0', 'h1', 'h2']);
  respond(h, h.host('h1'), 200, 5); // traffic to an ejected host changes nothing
  assert.deepEqual(h.of('pool.panic'), [
    { pool: 'web', panic: true, available: 1, total: 3, at: h.clock.now() },
  ]);
  h.scheduler.advance(9000); // h0 back: 2 of 3
  assert.deepEqual(
    h.of('pool.panic').map((e) => [e.panic, e.available]),
    [
      [true, 1],
      [false, 2],
    ],
  );
  assert.deepEqual(h.spy.candidates, ['h0', 'h2']);
});

test('with no available host at all the pool still routes (panic), whatever the threshold', async (t) => {
  const h = harness(poolConfig({ hostCount: 1, health: { panic_threshold_percent: 0 } }));
  t.after(() => h.pool.close());
  fail(h, h.host('h0'), 'connect', 3);
  assert.equal(h.pool.view().panic, true);
  assert.equal(h.pool.pick(PICK)?.name, 'h0');
});

test('an empty pool picks nothing and never panics', async (t) => {
  const h = harness(poolConfig({ hostCount: 0 }));
  t.after(() => h.pool.close());
  assert.equal(h.pool.pick(PICK), undefined);
  assert.equal(h.pool.view().panic, false);
});

test('the candidate set is recomputed on state changes only, never per pick or per try', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  assert.equal(h.spy.updates.length, 1); // built once
  for (let i = 0; i < 100; i++) {
    const host = h.pool.pick(PICK)!;
    respond(h, host, 200);
  }
  assert.equal(h.spy.updates.length, 1);
  fail(h, h.host('h0'), 'connect', 3);
  assert.equal(h.spy.updates.length, 2);
  h.scheduler.advance(10_000);
  assert.equal(h.spy.updates.length, 3);
  const picked = new Set(Array.from({ length: 30 }, () => h.pool.pick(PICK)?.name));
  assert.deepEqual([...picked].sort(), ['h0', 'h1', 'h2']);
});

test('tryStart/tryEnd count in-flight; a breaker_open outcome undoes nothing', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  assert.equal(h.pool.tryStart(h0), true);
  assert.equal(h.pool.tryStart(h0), true);
  assert.equal(h0.inFlight, 2);
  assert.equal(h.pool.view().in_flight, 2);
  h.pool.tryEnd(h0, { kind: 'error', error: 'breaker_open', latencyMs: 0 });
  assert.equal(h0.inFlight, 2);
  h.pool.tryEnd(h0, { kind: 'response', status: 200, latencyMs: 40 });
  h.pool.tryEnd(h0, { kind: 'error', error: 'aborted', latencyMs: 1 });
  assert.equal(h0.inFlight, 0);
  assert.equal(h0.latencyEwma, 40); // the aborted try is not a latency sample
});

test('view: shape, limiter and retry budget', async (t) => {
  const h = harness(poolConfig({ hostCount: 1, concurrency: { max_in_flight: 0 } }));
  t.after(() => h.pool.close());
  assert.equal(h.pool.limiter, null);
  const v = h.pool.view();
  assert.equal(v.algorithm, 'round_robin');
  assert.deepEqual(v.retry_budget, { active_requests: 0, active_retries: 0, max_retries: 3 });
  assert.deepEqual(v.hosts[0], {
    name: 'h0',
    origin: 'http://127.0.0.1:1',
    weight: 1,
    effective_weight: 1,
    healthy: true,
    ejected: false,
    ejected_until: null,
    ejections: 0,
    breaker: null,
    slow_start: false,
    in_flight: 0,
    latency_ewma_ms: 0,
    state: 'healthy',
  });
  assert.equal(h.pool.hosts[0]?.id, '127.0.0.1:1');
  const limited = harness(poolConfig({ hostCount: 1 }));
  t.after(() => limited.pool.close());
  assert.equal(limited.pool.limiter?.inFlight, 0);
});

test('tryEnd reads the clock once for the EWMA and the breaker, and not at all when given the time', async (t) => {
  const base = new ManualClock(1_000_000);
  let reads = 0;
  const clock = {
    now: () => {
      reads++;
      return base.now();
    },
  };
  const config = poolConfig({ hostCount: 1, breaker: { enabled: true } });
  const pool = createPool(config, {
    bus: new EventBus(),
    clock,
    random: seededRandom(1),
    scheduler: new ManualScheduler(base),
  });
  t.after(() => pool.close());
  const h0 = pool.hosts[0]!;
  assert.equal(pool.tryStart(h0), true);
  reads = 0;
  pool.tryEnd(h0, { kind: 'response', status: 200, latencyMs: 100 });
  assert.equal(reads, 1);
  assert.equal(pool.tryStart(h0), true);
  reads = 0;
  pool.tryEnd(h0, { kind: 'response', status: 200, latencyMs: 300 }, base.now() + 4000);
  assert.equal(reads, 0);
  // The given time drove the EWMA: two half-lives after the first sample, that one weighs 1/4.
  assert.equal(h0.latencyEwma, 0.25 * 100 + 0.75 * 300);
});

test('HeldClock: the base clock, except between hold and release', () => {
  const base = new ManualClock(5);
  const c = new HeldClock(base);
  assert.equal(c.now(), 5);
  c.hold(42);
  base.advance(10);
  assert.equal(c.now(), 42);
  c.release();
  assert.equal(c.now(), 15);
});
