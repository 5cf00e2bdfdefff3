import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { FakeHost, FakePool, Kit, noop, rawHeaders } from './kit.test-util.js';

describe('HedgeLink', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('starts a hedge on another host after the delay; the first head wins, the loser is aborted', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const pool = new FakePool([a, b]);
    const kit = new Kit(pool, { hedge: { enabled: true, delay: 50 } });
    const [, res] = kit.start();
    let aborted = 0;
    a.last.onConnect(() => {
      aborted++;
      a.last.onError(new Error('aborted'));
    });
    mock.timers.tick(49);
    assert.equal(b.tries.length, 0);
    mock.timers.tick(1);
    assert.equal(b.tries.length, 1, 'hedged');
    assert.equal(b.last.hedge, true);
    assert.equal(pool.retryBudget.activeRetries, 1, 'a hedge takes a budget token');
    assert.equal(b.last.onHeaders(200, rawHeaders(), noop), true);
    assert.equal(aborted, 1, 'the slower try was aborted');
    b.last.onComplete();
    assert.equal(res.statusCode, 200);
    assert.equal(pool.retryBudget.activeRetries, 0);
    const outcomes = pool.ended.map(([id, o]) => [id, o.kind === 'error' ? o.error : o.status]);
    assert.deepEqual(outcomes, [
      ['a:1', 'aborted'],
      ['b:1', 200],
    ]);
    assert.deepEqual(
      kit.events('retry').map((e) => e.reason),
      ['hedge'],
    );
  });

  it('waits for the other try when one fails while a hedge is running', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const kit = new Kit(new FakePool([a, b]), {
      hedge: { enabled: true, delay: 10 },
      retry: { enabled: false },
    });
    const [, res] = kit.start();
    mock.timers.tick(10);
    b.last.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    assert.equal(res.statusCode, 0, 'no answer yet');
    a.last.onHeaders(200, rawHeaders(), noop);
    a.last.onComplete();
    assert.equal(res.statusCode, 200);
  });

  it('asks again when the budget refused the hedge, while the request still waits', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const pool = new FakePool([a, b], { ratio: 0, minConcurrent: 1 });
    const kit = new Kit(pool, { hedge: { enabled: true, delay: 40 } });
    assert.equal(pool.retryBudget.tryAcquireRetry(), true, 'another request holds the only token');
    kit.start();
    mock.timers.tick(40);
    assert.equal(b.tries.length, 0, 'refused at the delay');
    pool.retryBudget.releaseRetry();
    mock.timers.tick(10); // a quarter of the delay later
    assert.equal(b.tries.length, 1, 'hedged once a token was free');
    assert.deepEqual(
      kit.events('retry').map((e) => [e.reason, e.refusedBy]),
      [
        ['hedge', 'budget'],
        ['hedge', ''],
      ],
    );
  });

  it('on by default with an auto delay: the warm-up second until the route has answers', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const kit = new Kit(new FakePool([a, b]), {});
    kit.start();
    mock.timers.tick(999);
    assert.equal(b.tries.length, 0);
    mock.timers.tick(1);
    assert.equal(b.tries.length, 1, 'hedged after 1 s');
  });

  it('does not hedge an endpoint whose breaker is not closed: its probe stays one request', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const kit = new Kit(new FakePool([a, b]), { hedge: { enabled: true, delay: 20 } });
    const [ex] = kit.start();
    for (let i = 0; i < 20; i++)
      ex.endpoint!.report(i % 2, { kind: 'response', status: 500, latencyMs: 1 }, 0);
    assert.equal(ex.endpoint!.closed, false);
    mock.timers.tick(100);
    assert.equal(b.tries.length, 0);
  });

  it('does not hedge non-idempotent methods', () => {
    const [a, b] = [new FakeHost('a:1'), new FakeHost('b:1')];
    const kit = new Kit(new FakePool([a, b]), { hedge: { enabled: true, delay: 10 } });
    kit.start('POST');
    mock.timers.tick(100);
    assert.equal(b.tries.length, 0);
  });
});
