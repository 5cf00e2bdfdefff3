/**
 * The retry link's two exceptions (docs/proxying.md, "Retries"): a connect failure goes to another
 * host whatever the budget and the method, a reset before any answer whatever the budget; a
 * status is not retried where the endpoint fails on the other hosts too. And the endpoint breaker in front of them (docs/health.md, "Endpoints").
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { FakeHost, FakePool, headerOf, Kit, noop, rawHeaders } from './kit.test-util.js';

const connectError = () => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
const hosts = (n: number) => Array.from({ length: n }, (_, i) => new FakeHost(`h${i}:1`));

describe('failover after a connect failure', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('goes to another host at once although the retry budget refuses every retry', () => {
    const [a, b] = hosts(2);
    const pool = new FakePool([a!, b!], { ratio: 0, minConcurrent: 0 });
    const kit = new Kit(pool, { retry: { backoff: { base: 1000, max: 1000 } } });
    const [ex, res] = kit.start();
    a!.last.onError(connectError());
    mock.timers.tick(0);
    assert.equal(b!.tries.length, 1, 'failed over, with no backoff');
    assert.equal(pool.retryBudget.activeRetries, 0, 'no token was free: it went without one');
    b!.last.onHeaders(200, rawHeaders(), noop);
    b!.last.onComplete();
    assert.equal(res.statusCode, 200);
    assert.equal(ex.tries, 2);
    assert.deepEqual(
      kit.events('retry').map((e) => [e.reason, e.allowed]),
      [['connect', true]],
    );
  });

  it('a reset before any answer fails over an idempotent request too (the host dropped it)', () => {
    const [a, b] = hosts(2);
    const kit = new Kit(new FakePool([a!, b!], { ratio: 0, minConcurrent: 0 }), {});
    const [, res] = kit.start('GET');
    a!.last.onError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    mock.timers.tick(0);
    assert.equal(b!.tries.length, 1);
    b!.last.onHeaders(200, rawHeaders(), noop);
    b!.last.onComplete();
    assert.equal(res.statusCode, 200);
  });

  it('takes a token when one is free, so the budget still counts it', () => {
    const [a, b] = hosts(2);
    const pool = new FakePool([a!, b!]);
    const kit = new Kit(pool, {});
    kit.start();
    a!.last.onError(connectError());
    mock.timers.tick(0);
    assert.equal(pool.retryBudget.activeRetries, 1);
    b!.last.onHeaders(200, rawHeaders(), noop);
    b!.last.onComplete();
    assert.equal(pool.retryBudget.activeRetries, 0);
  });

  it('fails over a POST too, with or without a body: a refused connect never sent it', () => {
    for (const body of [null, Buffer.from('{"a":1}')]) {
      const [a, b] = hosts(2);
      const kit = new Kit(new FakePool([a!, b!], { ratio: 0, minConcurrent: 0 }), {});
      const [, res] = kit.start('POST', body);
      a!.last.onError(connectError());
      mock.timers.tick(0);
      assert.equal(b!.tries.length, 1, `POST ${body === null ? 'without' : 'with'} a body`);
      b!.last.onHeaders(201, rawHeaders(), noop);
      b!.last.onComplete();
      assert.equal(res.statusCode, 201);
    }
  });

  it('is bounded by the pool: each host once, then the budget decides again', () => {
    const [a, b] = hosts(2);
    const kit = new Kit(new FakePool([a!, b!], { ratio: 0, minConcurrent: 0 }), {});
    const [, res] = kit.start();
    a!.last.onError(connectError());
    mock.timers.tick(0);
    b!.last.onError(connectError());
    mock.timers.tick(1000);
    assert.equal(a!.tries.length + b!.tries.length, 2);
    assert.equal(res.statusCode, 502);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_UPSTREAM_CONNECT');
    assert.deepEqual(
      kit.events('retry').map((e) => [e.reason, e.allowed, e.refusedBy]),
      [
        ['connect', true, ''],
        ['connect', false, 'budget'],
      ],
    );
  });

  it('respects the route: no failover when retries are off, nor after the deadline', () => {
    const [a, b] = hosts(2);
    const off = new Kit(new FakePool([a!, b!]), { retry: { enabled: false } });
    const [, r1] = off.start();
    a!.last.onError(connectError());
    mock.timers.tick(0);
    assert.equal(b!.tries.length, 0);
    assert.equal(r1.statusCode, 502);
    const [c, d] = hosts(2);
    const late = new Kit(new FakePool([c!, d!]), { timeout: 100 });
    const [, r2] = late.start();
    late.clock.advance(100);
    c!.last.onError(connectError());
    assert.equal(d!.tries.length, 0);
    assert.equal(r2.statusCode, 502);
  });
});

describe('an endpoint failing everywhere is not retried, and then refused on its own', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('a status the other hosts gave too is passed through, not retried', () => {
    const [a, b, c] = hosts(3);
    const kit = new Kit(new FakePool([a!, b!, c!]), { retry: { backoff: { base: 10, max: 10 } } });
    kit.start();
    assert.equal(a!.last.onHeaders(500, rawHeaders(), noop), false, 'nothing known yet: retried');
    mock.timers.tick(5);
    assert.equal(b!.tries.length, 1);
    assert.equal(b!.last.onHeaders(500, rawHeaders(), noop), true, 'a failed it too: passed through');
    b!.last.onComplete();
    assert.equal(c!.tries.length, 0);
    const [, res] = kit.start();
    assert.equal(a!.last.onHeaders(500, rawHeaders(), noop), true, 'known to fail on the others');
    a!.last.onComplete();
    assert.equal(res.statusCode, 500);
    assert.deepEqual(
      kit.events('retry').map((e) => [e.allowed, e.refusedBy]),
      [
        [true, ''],
        [false, 'endpoint'],
        [false, 'endpoint'],
      ],
    );
  });

  it('a status another host did not share is retried there', () => {
    const [a, b] = hosts(2);
    const pool = new FakePool([a!, b!]);
    const kit = new Kit(pool, { retry: { backoff: { base: 10, max: 10 } } });
    pool.refuse.add(a!.id);
    kit.start(); // b serves the endpoint
    b!.last.onHeaders(200, rawHeaders(), noop);
    b!.last.onComplete();
    pool.refuse.clear();
    const [, res] = kit.start();
    assert.equal(a!.last.onHeaders(503, rawHeaders(), noop), false, 'retried');
    mock.timers.tick(5);
    b!.last.onHeaders(200, rawHeaders(), noop);
    b!.last.onComplete();
    assert.equal(res.statusCode, 200);
  });

  it('once broken: 503 KEEL_ERR_ENDPOINT_FAILING with Retry-After, calling nothing; then one probe', () => {
    const hs = hosts(3);
    const pool = new FakePool(hs);
    const kit = new Kit(pool, { retry: { enabled: false }, hedge: { enabled: false } });
    for (let i = 0; i < 20; i++) {
      // Spread the failures over the three hosts: the pick takes the first one not refused.
      const host = hs[i % 3]!;
      pool.refuse.clear();
      for (const other of hs) if (other !== host) pool.refuse.add(other.id);
      kit.start();
      host.last.onHeaders(500, rawHeaders(), noop);
      host.last.onComplete();
    }
    pool.refuse.clear();
    const sent = hs.reduce((n, h) => n + h.tries.length, 0);
    assert.equal(sent, 20);
    const [ex, res] = kit.start();
    assert.equal(res.statusCode, 503);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_ENDPOINT_FAILING');
    assert.equal(headerOf(res, 'retry-after'), '5');
    assert.equal(ex.tries, 0);
    assert.equal(
      hs.reduce((n, h) => n + h.tries.length, 0),
      sent,
      'calling nothing',
    );
    kit.clock.advance(5000);
    const [probe] = kit.start();
    assert.equal(probe.tries, 1, 'the half-open probe');
    const [, refused] = kit.start();
    assert.equal(refused.statusCode, 503, 'one probe at a time');
  });
});
