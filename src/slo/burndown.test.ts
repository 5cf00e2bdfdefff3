import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SloConfig } from '../config/types.js';
import { ManualClock } from '../core/clock.js';
import { BURNDOWN_STEPS } from './burndown.js';
import { SloEngine } from './engine.js';
import { done, ROUTES, sloOf } from './fixture.test.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A 1h window at 90%, no tiers (a tier's long window may not exceed the SLO's): one point a minute. */
function hourly(input: Record<string, unknown>): SloConfig {
  const slo = sloOf({ objective: 90, ...input });
  return { ...slo, window: HOUR, alerting: { ...slo.alerting, tiers: [] } };
}

/** Minutes 10–19 have 3 bad of 10 requests, 40–44 have 4 bad; the rest are clean. */
const badIn = (k: number) => (k >= 10 && k < 20 ? 3 : k >= 40 && k < 45 ? 4 : 0);

function nonIncreasing(xs: Array<number | null>): boolean {
  return xs.every((x, i) => i === 0 || (x !== null && xs[i - 1] !== null && x <= xs[i - 1]!));
}

test('the burn-down spends the current window budget: 1 at the window start, budget.remaining now', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([hourly({})], clock, ROUTES);
  for (let k = 0; k < 60; k++) {
    clock.set(T0 + k * MIN + 1000);
    for (let i = 0; i < 10; i++) engine.record(done({ status: i < badIn(k) ? 500 : 200 }));
  }
  clock.set(T0 + HOUR + 30_000);
  const st = engine.status()[0]!;
  const h = st.budget_history;
  assert.equal(h.length, BURNDOWN_STEPS + 1);
  // The window is the minutes 1–60 (minute 0 has left it): 590 requests allow 59 bad; 50 were.
  assert.equal(st.events.total, 590);
  assert.ok(Math.abs(st.budget.remaining! - (1 - 50 / 59)) < 1e-12);
  assert.deepEqual(
    h.map((p) => p.t),
    Array.from({ length: 61 }, (_, i) => (T0 + 30_000 + i * MIN) / 1000),
  );
  assert.equal(h[0]!.remaining, 1);
  assert.equal(h.at(-1)!.remaining, st.budget.remaining);
  assert.ok(nonIncreasing(h.map((p) => p.remaining)));
  // Point i counts the minutes that ended by then (1 … i−1).
  const near = (i: number, want: number) =>
    assert.ok(Math.abs(h[i]!.remaining! - want) < 1e-12, `point ${i}`);
  near(10, 1);
  near(11, 1 - 3 / 59);
  near(20, 1 - 30 / 59);
  near(40, 1 - 30 / 59);
  near(45, 1 - 50 / 59);
  near(59, 1 - 50 / 59);
});

test('overspent: the burn-down goes below 0, and a window without events is null throughout', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([hourly({})], clock, ROUTES);
  const empty = engine.status()[0]!.budget_history;
  assert.equal(empty.length, BURNDOWN_STEPS + 1);
  assert.ok(empty.every((p) => p.remaining === null));
  for (let k = 0; k < 30; k++) {
    clock.set(T0 + k * MIN + 1000);
    for (let i = 0; i < 10; i++) engine.record(done({ status: i < 5 ? 500 : 200 }));
  }
  clock.set(T0 + 30 * MIN + 1000);
  const st = engine.status()[0]!;
  // 150 bad of 300 against 30 allowed: 1 − 5 = −4.
  assert.ok(Math.abs(st.budget.remaining! + 4) < 1e-12);
  assert.equal(st.budget_history.at(-1)!.remaining, st.budget.remaining);
  assert.equal(st.budget_history[0]!.remaining, 1);
  assert.ok(nonIncreasing(st.budget_history.map((p) => p.remaining)));
});

test('throughput: bad minutes against the allowed bad minutes', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([hourly({ kind: 'throughput', throughput: { min_rps: 1 } })], clock, ROUTES);
  // 60 judged minutes; the floor is 60 requests a minute, missed in minutes 30–32.
  for (let k = 0; k < 60; k++) {
    clock.set(T0 + k * MIN + 1000);
    const n = k >= 30 && k < 33 ? 10 : 60;
    for (let i = 0; i < n; i++) engine.record(done());
  }
  clock.set(T0 + HOUR + 30_000);
  const st = engine.status()[0]!;
  const h = st.budget_history;
  assert.equal(st.events.total, 60);
  assert.ok(Math.abs(st.budget.remaining! - (1 - 3 / 6)) < 1e-12);
  assert.equal(h[0]!.remaining, 1);
  assert.equal(h.at(-1)!.remaining, st.budget.remaining);
  assert.ok(nonIncreasing(h.map((p) => p.remaining)));
});
