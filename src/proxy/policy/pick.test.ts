import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../core/breaker.js';
import { ManualClock } from '../../core/clock.js';
import { FakeHost, FakePool, headerOf, Kit } from './kit.test-util.js';

describe('PickLink', () => {
  it('skips a host whose breaker refuses and uses another', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const pool = new FakePool([a, b]);
    pool.refuse.add('a:1');
    new Kit(pool, {}).start();
    assert.equal(a.tries.length, 0);
    assert.equal(b.tries.length, 1);
  });

  it('answers 503 BREAKER_OPEN with Retry-After from the soonest reopening when all refuse', () => {
    const clock = new ManualClock(0);
    const hosts = [new FakeHost('a:1'), new FakeHost('b:1')];
    const opts = {
      windowMs: 1000,
      buckets: 10,
      failureRateThreshold: 0.5,
      minimumRequests: 100,
      consecutiveFailures: 1,
      maxOpenTimeoutMs: 60_000,
      halfOpenMaxProbes: 1,
    };
    hosts[0]!.breaker = new CircuitBreaker({ ...opts, openTimeoutMs: 4500 }, clock);
    hosts[1]!.breaker = new CircuitBreaker({ ...opts, openTimeoutMs: 9000 }, clock);
    for (const h of hosts) h.breaker!.onFailure('test');
    const pool = new FakePool(hosts);
    pool.refuse.add('a:1');
    pool.refuse.add('b:1');
    const [ex, res] = new Kit(pool, {}).start();
    assert.equal(res.statusCode, 503);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_BREAKER_OPEN');
    assert.equal(headerOf(res, 'retry-after'), '5');
    assert.equal(ex.tries, 0);
  });

  it('answers 503 NO_HEALTHY_HOST for an empty pool', () => {
    const [, res] = new Kit(new FakePool([]), {}).start();
    assert.equal(res.statusCode, 503);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_NO_HEALTHY_HOST');
  });
});
