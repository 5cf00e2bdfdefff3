import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerTransition,
  CircuitBreaker,
} from './breaker.js';
import { ManualClock } from './clock.js';

const opts: BreakerOptions = {
  windowMs: 10_000,
  buckets: 10,
  failureRateThreshold: 0.5,
  minimumRequests: 2,
  consecutiveFailures: 0,
  openTimeoutMs: 1000,
  maxOpenTimeoutMs: 8000,
  halfOpenMaxProbes: 1,
};

describe('CircuitBreaker snapshot/restore', () => {
  it('round-trips an OPEN breaker through JSON', () => {
    const clock = new ManualClock(100);
    const b = new CircuitBreaker(opts, clock);
    b.onFailure();
    b.onFailure();
    const snap = JSON.parse(JSON.stringify(b.snapshot())) as BreakerSnapshot;
    assert.deepEqual(snap, {
      version: 1,
      state: {
        kind: 'open',
        openedAt: 100,
        until: 1100,
        opens: 1,
        reason: 'failure rate 100% >= 50% over 2 requests',
      },
    });
    const r = CircuitBreaker.restore(snap, opts, clock);
    assert.deepEqual(r.state, b.state);
    assert.equal(r.tryAcquire(), false);
    assert.equal(r.retryAfterMs(), 1000);
  });

  it('continues the doubling from a restored opens count', () => {
    const clock = new ManualClock(0);
    const snap: BreakerSnapshot = {
      version: 1,
      state: { kind: 'half_open', since: 0, probesInFlight: 0, opens: 2 },
    };
    const r = CircuitBreaker.restore(snap, opts, clock);
    assert.ok(r.tryAcquire());
    r.onFailure();
    const s = r.state;
    assert.equal(s.kind === 'open' && s.until - s.openedAt, 4000);
  });

  it('restarts probes in flight at 0: those requests died with the old process', () => {
    const snap: BreakerSnapshot = {
      version: 1,
      state: { kind: 'half_open', since: 5, probesInFlight: 1, opens: 1 },
    };
    const r = CircuitBreaker.restore(snap, opts, new ManualClock(10));
    assert.deepEqual(r.state, { kind: 'half_open', since: 5, probesInFlight: 0, opens: 1 });
    assert.equal(r.tryAcquire(), true);
  });

  it('applies an elapsed open timeout lazily after restore, with a transition', () => {
    const clock = new ManualClock(5000);
    const log: BreakerTransition[] = [];
    const snap: BreakerSnapshot = {
      version: 1,
      state: { kind: 'open', openedAt: 0, until: 1000, opens: 1, reason: 'x' },
    };
    const r = CircuitBreaker.restore(snap, opts, clock, (t) => log.push(t));
    assert.equal(r.stateName, 'half_open');
    assert.deepEqual(log, [{ from: 'open', to: 'half_open', reason: 'open timeout elapsed', at: 5000 }]);
  });

  it('round-trips a CLOSED breaker (the rolling window is not carried)', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker({ ...opts, consecutiveFailures: 5, minimumRequests: 100 }, clock);
    b.onFailure();
    const r = CircuitBreaker.restore(
      b.snapshot(),
      { ...opts, consecutiveFailures: 5, minimumRequests: 100 },
      clock,
    );
    assert.deepEqual(r.state, { kind: 'closed', since: 0, consecutiveFailures: 1 });
  });

  it('rejects malformed snapshots with a TypeError', () => {
    const clock = new ManualClock();
    const bad: unknown[] = [
      null,
      'open',
      { version: 2, state: { kind: 'closed', since: 0, consecutiveFailures: 0 } },
      { version: 1 },
      { version: 1, state: { kind: 'ajar' } },
      { version: 1, state: { kind: 'closed', since: '0', consecutiveFailures: 0 } },
      { version: 1, state: { kind: 'closed', since: 0, consecutiveFailures: -1 } },
      { version: 1, state: { kind: 'open', openedAt: 0, until: 1, opens: 0, reason: '' } },
      { version: 1, state: { kind: 'open', openedAt: 0, until: Number.NaN, opens: 1, reason: '' } },
      { version: 1, state: { kind: 'half_open', since: 0, probesInFlight: 0 } },
    ];
    for (const s of bad) {
      assert.throws(
        () => CircuitBreaker.restore(s as BreakerSnapshot, opts, clock),
        TypeError,
        JSON.stringify(s),
      );
    }
  });

  it('hands out copies: mutating a read state does not touch the breaker', () => {
    const b = new CircuitBreaker(opts, new ManualClock());
    const s = b.state;
    if (s.kind === 'closed') s.consecutiveFailures = 99;
    assert.equal(b.state.kind === 'closed' && b.state.consecutiveFailures, 0);
  });
});
