import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConcurrencyLimiter, type QueueTicket } from './limiter.js';

describe('ConcurrencyLimiter', () => {
  it('hands out up to maxInFlight slots', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 2, maxQueue: 0 });
    assert.ok(l.tryAcquire());
    assert.ok(l.tryAcquire());
    assert.equal(l.tryAcquire(), false);
    assert.equal(l.inFlight, 2);
    l.release();
    assert.equal(l.inFlight, 1);
    assert.ok(l.tryAcquire());
  });

  it('queues when full and hands released slots over in FIFO order', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 3 });
    assert.ok(l.tryAcquire());
    const order: string[] = [];
    l.enqueue(() => order.push('a'));
    l.enqueue(() => order.push('b'));
    l.enqueue(() => order.push('c'));
    assert.equal(l.queued, 3);
    assert.deepEqual(order, []);
    l.release();
    assert.deepEqual(order, ['a']);
    assert.equal(l.inFlight, 1); // the slot passed straight to 'a'
    l.release();
    l.release();
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.equal(l.queued, 0);
    l.release();
    assert.equal(l.inFlight, 0);
  });

  it('sheds (null) when the queue is full', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 1 });
    assert.ok(l.tryAcquire());
    assert.notEqual(
      l.enqueue(() => {}),
      null,
    );
    assert.equal(
      l.enqueue(() => {}),
      null,
    );
    const none = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 0 });
    none.tryAcquire();
    assert.equal(
      none.enqueue(() => {}),
      null,
    );
  });

  it('grants at once when a slot is free', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 1 });
    let granted = false;
    const t = l.enqueue(() => {
      granted = true;
    });
    assert.ok(t);
    assert.ok(granted);
    assert.equal(l.inFlight, 1);
    assert.equal(l.queued, 0);
    assert.equal(l.cancel(t), false); // already granted
  });

  it('cancel removes a waiter from anywhere in the queue', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 5 });
    l.tryAcquire();
    const order: string[] = [];
    const tickets = ['a', 'b', 'c', 'd'].map((n) => l.enqueue(() => order.push(n))!);
    assert.equal(l.cancel(tickets[1]!), true);
    assert.equal(l.cancel(tickets[1]!), false); // twice
    assert.equal(l.cancel(tickets[0]!), true); // head
    assert.equal(l.cancel(tickets[3]!), true); // tail
    assert.equal(l.queued, 1);
    l.release();
    assert.deepEqual(order, ['c']);
    assert.equal(l.cancel(tickets[2]!), false); // granted
    const d = l.enqueue(() => order.push('e'));
    assert.ok(d);
    l.release();
    assert.deepEqual(order, ['c', 'e']);
  });

  it('ignores tickets it did not issue', () => {
    const a = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 1 });
    const b = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 1 });
    a.tryAcquire();
    const t = a.enqueue(() => {})!;
    assert.equal(b.cancel(t), false);
    assert.equal(b.cancel({ id: t.id }), false);
    assert.equal(a.queued, 1);
  });

  it('survives a grant that re-enters release()', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 2 });
    l.tryAcquire();
    const order: string[] = [];
    l.enqueue(() => {
      order.push('a');
      l.release(); // 'a' finishes immediately
    });
    l.enqueue(() => order.push('b'));
    l.release();
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(l.inFlight, 1);
    assert.equal(l.queued, 0);
  });

  it('does not go below zero on an unmatched release', () => {
    const l = new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: 0 });
    l.release();
    assert.equal(l.inFlight, 0);
  });

  it('rejects bad options', () => {
    assert.throws(() => new ConcurrencyLimiter({ maxInFlight: 0, maxQueue: 0 }), RangeError);
    assert.throws(() => new ConcurrencyLimiter({ maxInFlight: 1, maxQueue: -1 }), RangeError);
  });

  it('never exceeds maxInFlight or maxQueue, and grants waiters in FIFO order', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'acquire' as const }),
      fc.constant({ kind: 'enqueue' as const }),
      fc.constant({ kind: 'release' as const }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(op, { maxLength: 300, size: 'max' }),
        (maxInFlight, maxQueue, ops) => {
          const l = new ConcurrencyLimiter({ maxInFlight, maxQueue });
          let holders = 0;
          let nextName = 0;
          const waiting: Array<{ name: number; ticket: QueueTicket }> = []; // model queue
          const granted: number[] = [];
          const expected: number[] = [];
          for (const o of ops) {
            if (o.kind === 'acquire') {
              if (l.tryAcquire()) holders++;
            } else if (o.kind === 'enqueue') {
              const name = nextName++;
              const wasFree = holders < maxInFlight;
              const queuedBefore = waiting.length;
              const t = l.enqueue(() => {
                granted.push(name);
                holders++;
              });
              if (wasFree) {
                assert.ok(t);
                expected.push(name);
              } else if (queuedBefore < maxQueue) {
                assert.ok(t);
                waiting.push({ name, ticket: t });
              } else {
                assert.equal(t, null);
              }
            } else if (o.kind === 'release') {
              if (holders === 0) continue;
              holders--;
              const head = waiting.shift();
              if (head) expected.push(head.name);
              l.release();
            } else if (waiting.length > 0) {
              const [w] = waiting.splice(o.pick % waiting.length, 1);
              assert.equal(l.cancel(w!.ticket), true);
            }
            assert.ok(l.inFlight <= maxInFlight);
            assert.ok(l.queued <= maxQueue);
            assert.equal(l.inFlight, holders);
            assert.equal(l.queued, waiting.length);
            assert.deepEqual(granted, expected);
          }
        },
      ),
    );
  });
});
