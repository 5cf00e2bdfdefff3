import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BreakerOptions,
  type BreakerState,
  type BreakerStateName,
  type BreakerTransition,
  CircuitBreaker,
} from './breaker.js';
import { ManualClock } from './clock.js';

/** Random op sequences against the breaker, checking its invariants after every step. */

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'acquire' }
  | { kind: 'end'; pick: number; verdict: 'success' | 'failure' | 'ignored' }
  | { kind: 'read' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('acquire' as const) }),
  fc.record({
    kind: fc.constant('end' as const),
    pick: fc.nat(),
    verdict: fc.constantFrom('success' as const, 'failure' as const, 'ignored' as const),
  }),
  fc.record({ kind: fc.constant('read' as const) }),
);

const optsArb: fc.Arbitrary<BreakerOptions> = fc
  .record({
    windowMs: fc.integer({ min: 1, max: 20_000 }),
    buckets: fc.integer({ min: 1, max: 10 }),
    failureRateThreshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
    minimumRequests: fc.integer({ min: 1, max: 10 }),
    consecutiveFailures: fc.integer({ min: 0, max: 5 }),
    openTimeoutMs: fc.integer({ min: 0, max: 5000 }),
    extraMax: fc.integer({ min: 0, max: 20_000 }),
    halfOpenMaxProbes: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ extraMax, ...o }) => ({ ...o, maxOpenTimeoutMs: o.openTimeoutMs + extraMax }));

const ALLOWED = new Set(['closed->open', 'open->half_open', 'half_open->closed', 'half_open->open']);
const NAMES: readonly BreakerStateName[] = ['closed', 'open', 'half_open'];

function run(opts: BreakerOptions, ops: Op[]) {
  const clock = new ManualClock(1_000_000);
  const log: BreakerTransition[] = [];
  /** Allowed requests not yet ended, tagged with the half-open period they were probes of (or -1). */
  const outstanding: number[] = [];
  let halfOpenEpoch = 0;
  let staleResultInEpoch = false;
  const b = new CircuitBreaker(opts, clock, (t) => {
    log.push(t);
    if (t.to === 'half_open') {
      halfOpenEpoch++; // a new probe period starts
      staleResultInEpoch = false;
    }
  });
  let lastOpen: Extract<BreakerState, { kind: 'open' }> | null = null;
  let lastKind: BreakerStateName = 'closed';

  const check = () => {
    const s = b.state;
    assert.ok(NAMES.includes(s.kind));
    // Never leaves OPEN before its timeout.
    if (lastOpen && lastKind === 'open' && clock.now() < lastOpen.until) assert.equal(s.kind, 'open');
    if (s.kind === 'open') {
      const expected = Math.min(opts.maxOpenTimeoutMs, opts.openTimeoutMs * 2 ** (s.opens - 1));
      assert.equal(s.until - s.openedAt, expected);
      assert.ok(clock.now() < s.until);
      lastOpen = s;
    }
    if (s.kind === 'half_open') {
      assert.ok(s.probesInFlight >= 0 && s.probesInFlight <= opts.halfOpenMaxProbes);
      // Independent count: probes granted in this half-open period and not ended yet. A result
      // from an older request is indistinguishable from a probe's (no tokens in the API), so the
      // check is exact only while none arrived.
      const live = outstanding.filter((e) => e === halfOpenEpoch).length;
      if (!staleResultInEpoch) assert.ok(live <= opts.halfOpenMaxProbes);
    }
    lastKind = s.kind;
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'advance':
        clock.advance(op.ms);
        break;
      case 'read':
        b.retryAfterMs();
        break;
      case 'acquire': {
        const before = b.state; // applies a due OPEN → HALF_OPEN first, like tryAcquire does
        const ok = b.tryAcquire();
        if (before.kind === 'open') assert.equal(ok, false, 'passed a request while OPEN');
        if (before.kind === 'closed') assert.equal(ok, true);
        if (before.kind === 'half_open') assert.equal(ok, before.probesInFlight < opts.halfOpenMaxProbes);
        if (ok) outstanding.push(before.kind === 'half_open' ? halfOpenEpoch : -1);
        break;
      }
      case 'end': {
        if (outstanding.length === 0) break;
        const [epoch] = outstanding.splice(op.pick % outstanding.length, 1);
        if (b.stateName === 'half_open' && epoch !== halfOpenEpoch) staleResultInEpoch = true;
        if (op.verdict === 'success') b.onSuccess();
        else if (op.verdict === 'failure') b.onFailure('x');
        else b.onIgnored();
        break;
      }
    }
    check();
  }

  // Transitions chain (each starts where the last ended) and use only the allowed edges.
  let prev: BreakerStateName = 'closed';
  for (const t of log) {
    assert.equal(t.from, prev);
    assert.ok(ALLOWED.has(`${t.from}->${t.to}`), `${t.from}->${t.to}`);
    assert.ok(t.reason.length > 0);
    prev = t.to;
  }
  assert.equal(prev, b.stateName);
}

describe('CircuitBreaker properties', () => {
  it('holds its invariants over random operation sequences', () => {
    fc.assert(
      fc.property(optsArb, fc.array(opArb, { maxLength: 150, size: 'max' }), (opts, ops) => run(opts, ops)),
      { numRuns: 300 },
    );
  });

  it('never opens when every request succeeds', () => {
    fc.assert(
      fc.property(
        optsArb,
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 100, size: 'max' }),
        (opts, steps) => {
          const clock = new ManualClock(0);
          const b = new CircuitBreaker(opts, clock);
          for (const dt of steps) {
            clock.advance(dt);
            assert.ok(b.tryAcquire());
            b.onSuccess();
          }
          assert.equal(b.stateName, 'closed');
        },
      ),
    );
  });
});
