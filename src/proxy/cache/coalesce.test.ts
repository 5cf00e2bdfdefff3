import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { LeaseCoalescer, STORED_MEANWHILE } from './coalesce.js';
import { sampleEntry } from './store/contract.test-util.js';
import { tempLmdbStore } from './store/lmdb.test-util.js';
import { LeaseTable } from './store/lmdb-leases.js';

const clock = new ManualClock(1_000_000);
const store = tempLmdbStore(clock);
after(() => store.close());
let n = 0;
/** A fresh key per case: the store is shared by the file. */
const fresh = (): string => `k${n++}`;

describe('LeaseCoalescer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('one leader per key; its waiters are woken in order, each by its own callback, at release', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    const k = fresh();
    const woken: string[] = [];
    const lease = c.lead(k, 5000, 0);
    assert.ok(lease !== null && lease !== STORED_MEANWHILE);
    assert.equal(c.lead(k, 5000, 0), null, 'the key has a leader');
    assert.ok(c.lead(fresh(), 5000, 0) !== null, 'another key has its own');
    assert.ok(c.wait(k, 5000, 'a', (w) => woken.push(`first:${w}`)));
    assert.ok(c.wait(k, 5000, 'b', (w) => woken.push(`second:${w}`)));
    assert.deepEqual(c.stats(), { leaders: 2, waiters: 2 });
    assert.equal(woken.length, 0);
    lease.release();
    assert.deepEqual(woken, ['first:a', 'second:b']);
    assert.deepEqual(c.stats(), { leaders: 1, waiters: 0 });
    assert.ok(c.lead(k, 5000, 0) !== null, 'free again once released');
  });

  it('nobody waits where nobody leads', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    assert.equal(
      c.wait(fresh(), 5000, 'a', () => assert.fail('never woken')),
      false,
    );
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 0 });
  });

  it('a late leader lets its waiters go at the lock timeout, and later requests do not wait for it', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    const k = fresh();
    const woken: string[] = [];
    const lease = c.lead(k, 100, 0) as { release(): void };
    c.wait(k, 100, 'a', (w) => woken.push(w));
    mock.timers.tick(99);
    assert.equal(woken.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(woken, ['a']);
    assert.equal(
      c.wait<string>(k, 100, 'b', (w) => woken.push(w)),
      false,
      'late: go upstream without waiting',
    );
    assert.equal(c.lead(k, 100, 0), null, 'still led: a late leader is not replaced while its lease lasts');
    lease.release();
    assert.deepEqual(woken, ['a'], 'nobody is woken twice');
    assert.ok(c.lead(k, 100, 0) !== null);
  });

  it('a lease released twice, or after close, frees nobody else’s lead', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    const k = fresh();
    const first = c.lead(k, 100, 0) as { release(): void };
    first.release();
    const second = c.lead(k, 100, 0) as { release(): void };
    let woken = 0;
    c.wait(k, 100, 'w', () => woken++);
    first.release();
    assert.equal(woken, 0, 'the old lease does not release the new leader');
    assert.deepEqual(c.stats(), { leaders: 1, waiters: 1 });
    c.close();
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 0 });
    mock.timers.tick(100);
    second.release();
    assert.equal(woken, 0, 'closing drops waits without waking, and stops the lock timer');
  });

  it('waits on a lease another process holds, polling until it ends', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    // The parent process stands for another worker: alive, and not this one.
    const other = new LeaseTable(store, clock, process.ppid);
    const k = fresh();
    const token = other.take(k, 5000, 0);
    assert.ok(token > 0);
    assert.equal(c.lead(k, 5000, 0), null, 'led by the other process');
    const woken: string[] = [];
    assert.ok(c.wait(k, 5000, 'a', (w) => woken.push(w)));
    assert.ok(c.wait(k, 5000, 'b', (w) => woken.push(w)));
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 2 });
    mock.timers.tick(1 + 2 + 4);
    assert.equal(woken.length, 0, 'still led');
    other.release(k, token);
    mock.timers.tick(8);
    assert.deepEqual(woken, ['a', 'b'], 'woken at the next poll after the release');
    assert.deepEqual(c.stats(), { leaders: 0, waiters: 0 });
  });

  it('a lease whose owner is gone, or expired, is free: waiters go and a new leader takes it', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    const dead = new LeaseTable(store, clock, 2 ** 31 - 2); // no such process
    const k = fresh();
    assert.ok(dead.take(k, 5000, 0) > 0);
    assert.equal(
      c.wait(k, 5000, 'a', () => assert.fail('never queued')),
      false,
    );
    assert.ok(c.lead(k, 5000, 0) !== null, 'taken over');
    const other = new LeaseTable(store, clock, process.ppid);
    const k2 = fresh();
    assert.ok(other.take(k2, 100, 0) > 0);
    clock.advance(100);
    assert.equal(
      c.wait(k2, 100, 'a', () => assert.fail('never queued')),
      false,
      'expired',
    );
    assert.ok(c.lead(k2, 100, 0) !== null);
  });

  it('refuses the lead when the key changed since the lookup: stored meanwhile', () => {
    const c = new LeaseCoalescer(new LeaseTable(store, clock));
    const k = fresh();
    const seen = store.peek(k) === undefined ? store.lastStamp : -1;
    assert.equal(seen, 0);
    store.setSync(k, sampleEntry(1), 60_000);
    assert.equal(c.lead(k, 5000, seen), STORED_MEANWHILE);
    store.peek(k);
    assert.ok(c.lead(k, 5000, store.lastStamp) !== null, 'a lead for what is stored now');
  });
});
