/**
 * The package root is a promise to library users (docs/library.md): the primitives are
 * importable from `keel` and work with an injected clock and random source, doing no I/O.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as keel from '../src/index.js';

test('the primitives named in docs/library.md are exported from the package root', () => {
  for (const name of [
    'CircuitBreaker',
    'RollingCounter',
    'Ewma',
    'fullJitterBackoff',
    'parseRetryAfter',
    'RetryBudget',
    'ConcurrencyLimiter',
    'TokenBucket',
    'ManualClock',
    'systemClock',
    'seededRandom',
    'mathRandom',
    'createBalancer',
    'hashKeyExtractor',
    'extractHashKey',
    'KeelError',
    'EventBus',
  ]) {
    assert.ok(name in keel, `${name} is not exported from the package root`);
  }
});

test('a breaker and a balancer work together from the root with a scripted clock', () => {
  const clock = new keel.ManualClock(0);
  const breaker = new keel.CircuitBreaker(
    {
      windowMs: 10_000,
      buckets: 10,
      failureRateThreshold: 0.5,
      minimumRequests: 4,
      consecutiveFailures: 0,
      openTimeoutMs: 1000,
      maxOpenTimeoutMs: 8000,
      halfOpenMaxProbes: 1,
    },
    clock,
  );
  for (let i = 0; i < 4; i++) {
    assert.equal(breaker.tryAcquire(), true);
    breaker.onFailure('boom');
  }
  assert.equal(breaker.stateName, 'open');
  assert.equal(breaker.tryAcquire(), false);
  clock.advance(1000);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.stateName, 'half_open');
  breaker.onSuccess();
  assert.equal(breaker.stateName, 'closed');

  const hosts = ['a', 'b', 'c'].map((id) => ({ id, weight: 1, inFlight: 0, latencyEwma: 0 }));
  const rr = keel.createBalancer('round_robin', { random: keel.seededRandom(1) });
  rr.update(hosts);
  const seen = new Set<string>();
  for (let i = 0; i < 3; i++) seen.add(rr.pick({ key: undefined, exclude: undefined })!.id);
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
});

test('keel/cache: the application cache layer — a tiered store and the RFC 9111 rules from one entry point', async () => {
  const cache = await import('../src/cache.js');
  const clock = new keel.ManualClock(1_000);
  const store = new cache.MemoryStore({ maxBytes: 1 << 20, clock });
  const res = { status: 200, headers: { 'cache-control': 'max-age=60' } };
  assert.equal(cache.isStorable({ method: 'GET', headers: {} }, res), true);
  const stored = { ...res, requestTime: clock.now(), responseTime: clock.now() };
  assert.equal(cache.freshnessLifetime(stored), 60);
  await store.set(
    'GET a/x',
    {
      status: 200,
      headers: [['cache-control', 'max-age=60']],
      body: Buffer.from('x'),
      storedAt: 1_000,
      requestTime: 1_000,
      responseTime: 1_000,
    },
    60_000,
  );
  const entry = await store.get('GET a/x');
  assert.equal(entry?.body.toString(), 'x');
  clock.advance(61_000);
  assert.equal(await store.get('GET a/x'), undefined, 'expired on the injected clock');
  assert.equal(typeof cache.RedisStore, 'function');
  assert.equal(typeof cache.TieredStore, 'function');
  assert.equal(typeof cache.LmdbStore, 'function');
});
