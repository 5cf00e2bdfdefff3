import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Host } from './host.js';
import { fail, harness, poolConfig, respond } from './pool.test-util.js';

/** consecutive_5xx is off by default (failure_rate judges 5xx against the peers); these turn it on. */
const with5xx = () => poolConfig({ health: { outlier: { consecutive_5xx: 5 } } });

test('5 consecutive 5xx eject the host for base_ejection and publish host.ejected', async (t) => {
  const h = harness(with5xx());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 503, 4);
  respond(h, h0, 200); // a success breaks the streak
  respond(h, h0, 500, 4);
  assert.equal(h.of('host.ejected').length, 0);
  respond(h, h0, 502);
  const [ev] = h.of('host.ejected');
  assert.deepEqual(ev, {
    pool: 'web',
    host: 'h0',
    reason: 'consecutive_5xx',
    ejectionMs: 10_000,
    ejections: 1,
    at: h.clock.now(),
  });
  assert.deepEqual(h.spy.candidates, ['h1', 'h2']);
  const v = h.pool.view().hosts[0]!;
  assert.equal(v.state, 'ejected');
  assert.equal(v.ejected_until, new Date(h.clock.now() + 10_000).toISOString());
  h.scheduler.advance(9_999);
  assert.equal(h.of('host.restored').length, 0);
  h.scheduler.advance(1);
  assert.deepEqual(h.of('host.restored'), [{ pool: 'web', host: 'h0', healthy: true, at: h.clock.now() }]);
  assert.deepEqual(h.spy.candidates, ['h0', 'h1', 'h2']);
});

test('consecutive gateway failures eject sooner; aborted and other are neutral', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const h1 = h.host('h1');
  fail(h, h1, 'connect');
  fail(h, h1, 'aborted');
  fail(h, h1, 'reset');
  fail(h, h1, 'other');
  assert.equal(h.of('host.ejected').length, 0);
  fail(h, h1, 'timeout');
  assert.equal(h.of('host.ejected')[0]?.reason, 'consecutive_gateway_failure');
  assert.equal(h1.inFlight, 0);
});

test('a 5xx between gateway failures resets the gateway streak but both feed the 5xx streak', async (t) => {
  const h = harness(with5xx());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  fail(h, h0, 'connect', 2);
  respond(h, h0, 500);
  fail(h, h0, 'connect');
  assert.equal(h.of('host.ejected').length, 0);
  fail(h, h0, 'reset'); // 5th failure in a row of either kind
  assert.equal(h.of('host.ejected')[0]?.reason, 'consecutive_5xx');
});

test('repeated ejections grow as base × 2^(n-1), capped at max_ejection', async (t) => {
  const h = harness(poolConfig({ health: { outlier: { base_ejection: 1000, max_ejection: 5000 } } }));
  t.after(() => h.pool.close());
  const h2 = h.host('h2');
  const durations: number[] = [];
  for (let i = 0; i < 5; i++) {
    fail(h, h2, 'connect', 3);
    const ev = h.of('host.ejected').at(-1)!;
    durations.push(ev.ejectionMs);
    assert.equal(ev.ejections, i + 1);
    h.scheduler.advance(ev.ejectionMs);
  }
  assert.deepEqual(durations, [1000, 2000, 4000, 5000, 5000]);
  assert.equal(h.of('host.restored').length, 5);
});

test('a host that stays in for max_ejection starts a fresh streak', async (t) => {
  const h = harness(poolConfig({ health: { outlier: { base_ejection: 1000, max_ejection: 5000 } } }));
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  fail(h, h0, 'connect', 3);
  h.scheduler.advance(1000);
  fail(h, h0, 'connect', 3);
  assert.equal(h.of('host.ejected').at(-1)?.ejectionMs, 2000);
  h.scheduler.advance(2000 + 5000);
  fail(h, h0, 'connect', 3);
  assert.equal(h.of('host.ejected').at(-1)?.ejectionMs, 1000);
});

test('max_ejection_percent caps ejections but always allows one: 1 of 2', async (t) => {
  const h = harness(poolConfig({ hostCount: 2, health: { outlier: { max_ejection_percent: 10 } } }));
  t.after(() => h.pool.close());
  fail(h, h.host('h0'), 'connect', 3);
  fail(h, h.host('h1'), 'connect', 3);
  assert.deepEqual(
    h.of('host.ejected').map((e) => e.host),
    ['h0'],
  );
  assert.deepEqual(h.spy.candidates, ['h1']);
});

test('the cap blocks a third ejection of four at 50%, and the streak ejects once room frees', async (t) => {
  const h = harness(poolConfig({ hostCount: 4, health: { outlier: { max_ejection_percent: 50 } } }));
  t.after(() => h.pool.close());
  fail(h, h.host('h0'), 'connect', 3);
  h.clock.advance(100);
  fail(h, h.host('h1'), 'connect', 3);
  fail(h, h.host('h2'), 'connect', 3);
  assert.deepEqual(
    h.of('host.ejected').map((e) => e.host),
    ['h0', 'h1'],
  );
  h.scheduler.advance(9_900); // h0 returns
  assert.deepEqual(
    h.of('host.restored').map((e) => e.host),
    ['h0'],
  );
  fail(h, h.host('h2'), 'connect'); // streak kept while blocked: one more failure is enough
  assert.deepEqual(
    h.of('host.ejected').map((e) => e.host),
    ['h0', 'h1', 'h2'],
  );
});

test('latency outlier: EWMA above factor × median of the others and above min_latency', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const [h0, h1, h2] = [h.host('h0'), h.host('h1'), h.host('h2')];
  for (let i = 0; i < 25; i++) {
    h.clock.advance(10);
    respond(h, h0, 200, 1, 20);
    respond(h, h1, 200, 1, 30);
    respond(h, h2, 200, 1, 2000); // judged only from the 20th sample on
    if (i < 19) assert.equal(h.of('host.ejected').length, 0, `no ejection before min_requests (i=${i})`);
  }
  assert.deepEqual(
    h.of('host.ejected').map((e) => [e.host, e.reason]),
    [['h2', 'latency']],
  );
  assert.deepEqual(h.spy.candidates, ['h0', 'h1']);
});

test('no latency ejection under min_latency, nor when the whole pool is slow', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const [h0, h1, h2] = [h.host('h0'), h.host('h1'), h.host('h2')];
  for (let i = 0; i < 30; i++) {
    h.clock.advance(10);
    respond(h, h0, 200, 1, 1);
    respond(h, h1, 200, 1, 1);
    respond(h, h2, 200, 1, 200); // 200× slower but under min_latency 250ms
  }
  const slow = harness(poolConfig());
  t.after(() => slow.pool.close());
  for (let i = 0; i < 30; i++) {
    slow.clock.advance(10);
    for (const name of ['h0', 'h1', 'h2']) respond(slow, slow.host(name), 200, 1, 3000 + i);
  }
  assert.equal(h.of('host.ejected').length + slow.of('host.ejected').length, 0);
});

test('on return the host forgets its EWMA and streaks, and ramps up with slow start', async (t) => {
  const h = harness(poolConfig({ health: { outlier: { consecutive_5xx: 5, latency: { enabled: false } } } }));
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 500, 4, 900);
  fail(h, h0, 'connect', 3);
  assert.equal(h.of('host.ejected').length, 1);
  h.scheduler.advance(10_000);
  assert.equal(h0.latencyEwma, 0);
  assert.equal(h.pool.view().hosts[0]?.state, 'slow_start');
  assert.ok(Math.abs(h0.weight - 0.1) < 1e-9);
  respond(h, h0, 500, 4);
  assert.equal(h.of('host.ejected').length, 1, 'the old streak was forgotten');
  h.scheduler.advance(10_000);
  assert.equal(h0.weight, 1);
  assert.equal(h.pool.view().hosts[0]?.state, 'healthy');
});

test('outlier detection disabled: no ejection at all', async (t) => {
  const h = harness(poolConfig({ health: { outlier: { enabled: false } } }));
  t.after(() => h.pool.close());
  fail(h, h.host('h0'), 'connect', 50);
  respond(h, h.host('h0'), 503, 50);
  assert.equal(h.of('host.ejected').length, 0);
});

test('host.restored says whether the host still fails its active health check when its ejection ends', (t) => {
  const h = harness(with5xx());
  t.after(() => h.pool.close());
  const h0 = h.host('h0') as Host; // the live pool's hosts are Hosts; the interface shows less
  respond(h, h0, 503, 5);
  assert.equal(h.of('host.ejected').length, 1);
  h0.healthy = false; // the active check's verdict while it was out (health-checker.ts writes it)
  h.scheduler.advance(10_000);
  assert.deepEqual(h.of('host.restored'), [{ pool: 'web', host: 'h0', healthy: false, at: h.clock.now() }]);
  assert.equal(h.pool.view().hosts[0]!.state, 'unhealthy', 'out of rotation: not restored');
});
