import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BreakerOptions, type BreakerTransition, CircuitBreaker } from './breaker.js';
import { ManualClock } from './clock.js';

const base: BreakerOptions = {
  windowMs: 10_000,
  buckets: 10,
  failureRateThreshold: 0.5,
  minimumRequests: 4,
  consecutiveFailures: 0,
  openTimeoutMs: 1000,
  maxOpenTimeoutMs: 3000,
  halfOpenMaxProbes: 1,
};

function make(opts: Partial<BreakerOptions> = {}) {
  const clock = new ManualClock(1000);
  const log: BreakerTransition[] = [];
  const b = new CircuitBreaker({ ...base, ...opts }, clock, (t) => log.push(t));
  return { clock, log, b };
}

/** Drives CLOSED → OPEN with consecutive failures. */
function open(b: CircuitBreaker, n = 4) {
  for (let i = 0; i < n; i++) {
    assert.ok(b.tryAcquire());
    b.onFailure();
  }
  assert.equal(b.stateName, 'open');
}

describe('CircuitBreaker — CLOSED', () => {
  it('starts closed and passes requests', () => {
    const { b } = make();
    assert.deepEqual(b.state, { kind: 'closed', since: 1000, consecutiveFailures: 0 });
    assert.ok(b.tryAcquire());
    assert.equal(b.retryAfterMs(), 0);
  });

  it('opens when the failure rate reaches the threshold with enough requests', () => {
    const { b, log } = make({ minimumRequests: 4 });
    b.onSuccess();
    b.onFailure();
    b.onSuccess();
    assert.equal(b.stateName, 'closed');
    b.onFailure('status 503');
    assert.equal(b.stateName, 'open');
    assert.deepEqual(log, [
      {
        from: 'closed',
        to: 'open',
        reason: 'failure rate 50% >= 50% over 4 requests (last: status 503)',
        at: 1000,
      },
    ]);
  });

  it('does not judge the rate below minimumRequests', () => {
    const { b } = make({ minimumRequests: 5 });
    for (let i = 0; i < 4; i++) b.onFailure();
    assert.equal(b.stateName, 'closed');
    b.onFailure();
    assert.equal(b.stateName, 'open');
    assert.match(b.state.kind === 'open' ? b.state.reason : '', /^failure rate 100% >= 50% over 5 requests$/);
  });

  it('judges the rate on a success too, once minimumRequests is reached', () => {
    const { b } = make({ minimumRequests: 4 });
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    assert.equal(b.stateName, 'closed');
    b.onSuccess(); // 2 of 4 failed: 50% >= 50%
    assert.equal(b.stateName, 'open');
  });

  it('stays closed below the threshold', () => {
    const { b } = make({ minimumRequests: 4, failureRateThreshold: 0.6 });
    for (let i = 0; i < 10; i++) {
      b.onSuccess();
      b.onFailure();
    }
    assert.equal(b.stateName, 'closed');
  });

  it('forgets failures that left the rolling window', () => {
    const { b, clock } = make({ minimumRequests: 4, windowMs: 10_000 });
    b.onFailure();
    b.onFailure();
    b.onFailure();
    clock.advance(10_000);
    b.onFailure(); // the three old failures are gone: 1 request in the window
    assert.equal(b.stateName, 'closed');
    assert.equal(b.state.kind === 'closed' && b.state.consecutiveFailures, 4);
  });

  it('opens on N consecutive failures regardless of the rate', () => {
    const { b, log } = make({ minimumRequests: 1000, consecutiveFailures: 3 });
    b.onFailure();
    b.onFailure();
    b.onSuccess(); // breaks the streak
    b.onFailure();
    b.onFailure();
    assert.equal(b.stateName, 'closed');
    b.onFailure('timeout');
    assert.equal(b.stateName, 'open');
    assert.equal(log[0]?.reason, '3 consecutive failures (last: timeout)');
  });

  it('ignores consecutive failures when consecutiveFailures is 0', () => {
    const { b } = make({ minimumRequests: 1000, consecutiveFailures: 0 });
    for (let i = 0; i < 500; i++) b.onFailure();
    assert.equal(b.stateName, 'closed');
  });

  it('onIgnored changes nothing while closed', () => {
    const { b } = make();
    b.onIgnored();
    assert.deepEqual(b.state, { kind: 'closed', since: 1000, consecutiveFailures: 0 });
  });
});

describe('CircuitBreaker — OPEN', () => {
  it('fails fast until the open timeout, with Retry-After', () => {
    const { b, clock } = make();
    open(b);
    assert.deepEqual(b.state, {
      kind: 'open',
      openedAt: 1000,
      until: 2000,
      opens: 1,
      reason: 'failure rate 100% >= 50% over 4 requests',
    });
    assert.equal(b.tryAcquire(), false);
    assert.equal(b.retryAfterMs(), 1000);
    clock.advance(999);
    assert.equal(b.tryAcquire(), false);
    assert.equal(b.retryAfterMs(), 1);
    assert.equal(b.stateName, 'open');
  });

  it('ignores late results of requests allowed before it opened', () => {
    const { b } = make();
    open(b);
    const before = b.state;
    b.onSuccess();
    b.onFailure();
    b.onIgnored();
    assert.deepEqual(b.state, before);
  });

  it('moves to HALF_OPEN lazily on a state read once the timeout passed, emitting once', () => {
    const { b, clock, log } = make();
    open(b);
    clock.advance(1000);
    assert.deepEqual(b.state, { kind: 'half_open', since: 2000, probesInFlight: 0, opens: 1 });
    assert.equal(b.stateName, 'half_open');
    assert.equal(b.retryAfterMs(), 0);
    assert.deepEqual(log.slice(1), [
      { from: 'open', to: 'half_open', reason: 'open timeout elapsed', at: 2000 },
    ]);
  });

  it('moves to HALF_OPEN on tryAcquire and grants that call a probe', () => {
    const { b, clock } = make();
    open(b);
    clock.advance(5000);
    assert.equal(b.tryAcquire(), true);
    assert.deepEqual(b.state, { kind: 'half_open', since: 6000, probesInFlight: 1, opens: 1 });
  });
});

describe('CircuitBreaker — HALF_OPEN', () => {
  function halfOpen(opts: Partial<BreakerOptions> = {}) {
    const m = make(opts);
    open(m.b);
    m.clock.advance(m.b.retryAfterMs());
    assert.equal(m.b.stateName, 'half_open');
    return m;
  }

  it('allows at most halfOpenMaxProbes concurrent probes', () => {
    const { b } = halfOpen({ halfOpenMaxProbes: 2 });
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false);
    b.onIgnored(); // a probe ended with no verdict: its slot is free again
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false);
  });

  it('closes on a probe success, with a fresh window and opens reset', () => {
    const { b, clock, log } = halfOpen();
    assert.ok(b.tryAcquire());
    b.onSuccess();
    assert.deepEqual(b.snapshot().state, { kind: 'closed', since: 2000, consecutiveFailures: 0 });
    assert.deepEqual(log.at(-1), { from: 'half_open', to: 'closed', reason: 'probe succeeded', at: 2000 });
    // the failures that opened it do not count any more: three new failures stay under minimum 4
    b.onFailure();
    b.onFailure();
    b.onFailure();
    assert.equal(b.stateName, 'closed');
    b.onFailure();
    const s = b.state;
    assert.equal(s.kind === 'open' && s.until - clock.now(), 1000); // back to the base timeout
  });

  it('re-opens on a probe failure with the timeout doubled per consecutive open, capped', () => {
    const { b, clock, log } = halfOpen({ openTimeoutMs: 1000, maxOpenTimeoutMs: 3000 });
    const timeouts: number[] = [];
    for (let i = 0; i < 4; i++) {
      assert.ok(b.tryAcquire());
      b.onFailure('reset');
      const s = b.state;
      assert.equal(s.kind, 'open');
      if (s.kind !== 'open') return;
      assert.equal(s.opens, i + 2);
      timeouts.push(s.until - s.openedAt);
      clock.advance(s.until - s.openedAt);
    }
    assert.deepEqual(timeouts, [2000, 3000, 3000, 3000]);
    assert.equal(log.filter((t) => t.reason === 'probe failed (last: reset)').length, 4);
  });

  it('keeps the opens count across OPEN → HALF_OPEN', () => {
    const { b, clock } = halfOpen();
    assert.ok(b.tryAcquire());
    b.onFailure();
    clock.advance(2000);
    assert.deepEqual(b.state, { kind: 'half_open', since: 4000, probesInFlight: 0, opens: 2 });
  });

  it('ignores verdicts when no probe is in flight (requests admitted before it opened)', () => {
    const { b } = halfOpen();
    b.onSuccess();
    b.onFailure();
    b.onIgnored();
    assert.deepEqual(b.state, { kind: 'half_open', since: 2000, probesInFlight: 0, opens: 1 });
  });
});

describe('CircuitBreaker — transitions and options', () => {
  it('reports a full cycle along the allowed edges', () => {
    const { b, clock, log } = make();
    open(b);
    clock.advance(1000);
    assert.ok(b.tryAcquire());
    b.onFailure();
    clock.advance(2000);
    assert.ok(b.tryAcquire());
    b.onSuccess();
    assert.deepEqual(
      log.map((t) => `${t.from}->${t.to}: ${t.reason}`),
      [
        'closed->open: failure rate 100% >= 50% over 4 requests',
        'open->half_open: open timeout elapsed',
        'half_open->open: probe failed',
        'open->half_open: open timeout elapsed',
        'half_open->closed: probe succeeded',
      ],
    );
  });

  it('works without a transition listener', () => {
    const b = new CircuitBreaker(base, new ManualClock());
    open(b);
    assert.equal(b.tryAcquire(), false);
  });

  it('rejects options that make no sense', () => {
    const clock = new ManualClock();
    const bad: Array<Partial<BreakerOptions>> = [
      { failureRateThreshold: 0 },
      { failureRateThreshold: 1.5 },
      { minimumRequests: 0 },
      { consecutiveFailures: -1 },
      { openTimeoutMs: -1 },
      { openTimeoutMs: 5000, maxOpenTimeoutMs: 1000 },
      { halfOpenMaxProbes: 0 },
      { windowMs: 0 },
      { buckets: 0 },
    ];
    for (const o of bad)
      assert.throws(() => new CircuitBreaker({ ...base, ...o }, clock), RangeError, JSON.stringify(o));
  });
});
