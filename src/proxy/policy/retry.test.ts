import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { COMMITTED } from '../contracts.js';
import { FakeHost, FakePool, headerOf, Kit, noop, rawHeaders } from './kit.test-util.js';

const connectError = () => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });

describe('RetryLink', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('retries a retryable status on a different host after backoff, then commits', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const pool = new FakePool([a, b]);
    const kit = new Kit(pool, { retry: { backoff: { base: 100, max: 1000 } } });
    const [ex, res] = kit.start();
    assert.equal(a.tries.length, 1);
    assert.equal(a.last.onHeaders(503, rawHeaders(), noop), false, 'the 503 is discarded');
    assert.deepEqual(pool.ended[0], ['a:1', { kind: 'response', status: 503, latencyMs: 0 }]);
    assert.equal(b.tries.length, 0, 'no retry before the backoff');
    mock.timers.tick(50); // full jitter with random 0.5 over base 100
    assert.equal(b.tries.length, 1, 'retried on the other host');
    assert.equal(b.last.onHeaders(200, rawHeaders('x-a', '1'), noop), true);
    b.last.onData(Buffer.from('ok'));
    b.last.onComplete();
    assert.equal(ex.state, COMMITTED);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'ok');
    assert.equal(headerOf(res, 'x-a'), '1');
    assert.equal(pool.retryBudget.activeRetries, 0, 'the token came back');
    assert.deepEqual(
      kit.events('retry').map((e) => [e.reason, e.allowed]),
      [['status_503', true]],
    );
  });

  it('maps the last connect failure to 502 once attempts are spent', () => {
    const hosts = [new FakeHost('a:1'), new FakeHost('b:1'), new FakeHost('c:1')];
    const kit = new Kit(new FakePool(hosts), { retry: { max_attempts: 2, backoff: { base: 10, max: 10 } } });
    const [, res] = kit.start();
    hosts[0]!.last.onError(connectError());
    mock.timers.tick(10);
    assert.equal(hosts[1]!.tries.length, 1);
    hosts[1]!.last.onError(connectError());
    assert.equal(hosts[2]!.tries.length, 0);
    assert.equal(res.statusCode, 502);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_UPSTREAM_CONNECT');
    assert.deepEqual(
      kit.events('retry').map((e) => [e.allowed, e.refusedBy]),
      [
        [true, ''],
        [false, 'attempts'],
      ],
    );
  });

  it('passes the answer through when the budget refuses', () => {
    const a = new FakeHost('a:1');
    const kit = new Kit(new FakePool([a, new FakeHost('b:1')], { ratio: 0, minConcurrent: 0 }), {});
    const [, res] = kit.start();
    assert.equal(a.last.onHeaders(500, rawHeaders(), noop), true);
    a.last.onComplete();
    assert.equal(res.statusCode, 500);
    assert.equal(headerOf(res, 'x-keel-error'), undefined);
    assert.equal(kit.events('retry')[0]?.refusedBy, 'budget');
  });

  it('asks the budget for a retry after a failure only when the retry starts', () => {
    const a = new FakeHost('a:1');
    const b = new FakeHost('b:1');
    const pool = new FakePool([a, b], { ratio: 0, minConcurrent: 1 });
    const kit = new Kit(pool, { retry: { backoff: { base: 100, max: 100 } } });
    kit.start();
    a.last.onError(connectError());
    assert.equal(pool.retryBudget.activeRetries, 0, 'no token held during the backoff');
    mock.timers.tick(50);
    assert.equal(pool.retryBudget.activeRetries, 1);
    b.last.onHeaders(200, rawHeaders(), noop);
    b.last.onComplete();
    assert.equal(pool.retryBudget.activeRetries, 0);
  });

  it('does not retry when the Retry-After does not fit before the deadline', () => {
    const a = new FakeHost('a:1');
    const kit = new Kit(new FakePool([a, new FakeHost('b:1')]), { timeout: 500 });
    const [, res] = kit.start();
    assert.equal(a.last.onHeaders(503, rawHeaders('Retry-After', '2'), noop), true);
    assert.equal(res.statusCode, 503);
    assert.equal(kit.events('retry')[0]?.refusedBy, 'deadline');
  });

  it('never retries a method outside retry.methods, nor a streamed body', () => {
    // A reset: the request may have reached the host (a connect failure provably did not, and
    // fails over whatever the method: see the failover tests).
    const a = new FakeHost('a:1');
    const kit = new Kit(new FakePool([a, new FakeHost('b:1')]), {});
    const [, post] = kit.start('POST', Buffer.from('x'));
    a.last.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    assert.equal(post.statusCode, 502);
    assert.equal(kit.events('retry').length, 0);
  });

  it('answers 504 DEADLINE_EXCEEDED when a timeout ends a request past its deadline', () => {
    const a = new FakeHost('a:1');
    const kit = new Kit(new FakePool([a, new FakeHost('b:1')]), { timeout: 100 });
    const [, res] = kit.start();
    kit.clock.advance(100);
    a.last.onError(Object.assign(new Error('headers'), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
    assert.equal(res.statusCode, 504);
    assert.equal(headerOf(res, 'x-keel-error'), 'KEEL_ERR_DEADLINE_EXCEEDED');
    assert.equal(kit.events('retry')[0]?.refusedBy, 'deadline');
  });
});
