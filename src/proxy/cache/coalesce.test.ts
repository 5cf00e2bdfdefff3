import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { LocalCoalescer } from './coalesce.js';

describe('LocalCoalescer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('one leader per key; its waiters are woken in order, each by its own callback, at release', () => {
    const c = new LocalCoalescer();
    const woken: string[] = [];
    const lease = c.lead('k', 5000);
    assert.ok(lease !== null);
    assert.equal(c.lead('k', 5000), null, 'the key has a leader');
    assert.ok(c.lead('other', 5000) !== null, 'another key has its own');
    assert.ok(c.wait('k', 'a', (w) => woken.push(`first:${w}`)));
    assert.ok(c.wait('k', 'b', (w) => woken.push(`second:${w}`)));
    assert.deepEqual(c.stats(), { leaders: 2, waiters: 2 });
    assert.equal(woken.length, 0);
    lease.release();
    assert.deepEqual(woken, ['first:a', 'second:b']);
    assert.deepEqual(c.stats(), { leaders: 1, waiters: 0 });
    assert.ok(c.lead('k', 5000) !== null, 'free again once released');
  });

  it('nobody waits where nobody leads', () => {
    const c = new LocalCoalescer();
    assert.equal(
      c.wait('k', 'a', () => assert.fail('never woken')),
      false,
    );
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 0 });
  });

  it('a late leader lets its waiters go at the lock timeout, and later requests do not wait for it', () => {
    const c = new LocalCoalescer();
    const woken: string[] = [];
    const lease = c.lead('k', 100)!;
    c.wait('k', 'a', (w) => woken.push(w));
    mock.timers.tick(99);
    assert.equal(woken.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(woken, ['a']);
    assert.equal(
      c.wait<string>('k', 'b', (w) => woken.push(w)),
      false,
      'late: go upstream without waiting',
    );
    assert.equal(c.lead('k', 100), null, 'still led: a late leader is not replaced');
    lease.release();
    assert.deepEqual(woken, ['a'], 'nobody is woken twice');
    assert.ok(c.lead('k', 100) !== null);
  });

  it('a lease released twice, or after close, frees nobody else’s lead', () => {
    const c = new LocalCoalescer();
    const first = c.lead('k', 100)!;
    first.release();
    const second = c.lead('k', 100)!;
    let woken = 0;
    c.wait('k', 'w', () => woken++);
    first.release();
    assert.equal(woken, 0, 'the old lease does not release the new leader');
    assert.deepEqual(c.stats(), { leaders: 1, waiters: 1 });
    c.close();
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 0 });
    mock.timers.tick(100);
    second.release();
    assert.equal(woken, 0, 'closing drops waits without waking, and stops the lock timer');
  });
});
