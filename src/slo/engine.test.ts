import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import type { SloAlertEvent } from '../core/events.js';
import { SloEngine } from './engine.js';
import { done, ROUTES, sloOf } from './fixture.test.js';
import { deriveActions } from './policy.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

/** One minute of traffic: `n` requests, `bad` of them 5xx; then evaluate. */
function minute(engine: SloEngine, clock: ManualClock, n: number, bad: number): SloAlertEvent[] {
  for (let i = 0; i < n; i++) engine.record(done({ status: i < bad ? 500 : 200 }));
  const out = engine.evaluate();
  clock.advance(MIN);
  return out;
}

test('SRE Workbook: 2% errors against 99.9% burn at 20×; page-fast fires once the 1h window reaches 14.4× and resolves when the short window clears', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([sloOf({})], clock, ROUTES);
  // Three days of clean history (restored as the state file would), so every window is full.
  const state = engine.export();
  const first = T0 / MIN - 3 * 24 * 60;
  const minutes = Array.from({ length: 3 * 24 * 60 }, (_, i) => first + i);
  state.slos[0]!.buckets = {
    since: first,
    minutes,
    good: minutes.map(() => 100),
    total: minutes.map(() => 100),
  };
  engine.import(state);
  const fired: Array<[number, SloAlertEvent]> = [];
  for (let k = 1; k <= 120; k++) for (const e of minute(engine, clock, 100, 2)) fired.push([k, e]);
  // Burn over 1h after k bad minutes = 20 × k/60 ≥ 14.4 ⇔ k ≥ 43.2; over 6h: 20 × k/360 ≥ 6 ⇔ k ≥ 108.
  assert.deepEqual(
    fired.map(([k, e]) => [k, e.tier, e.state]),
    [
      [44, 'page-fast', 'firing'],
      [108, 'page-slow', 'firing'],
    ],
  );
  const e = fired[0]![1];
  assert.equal(e.key, 'slo:page-fast');
  assert.equal(e.severity, 'critical');
  assert.equal(e.window, '30d');
  assert.equal(e.longWindow, '1h');
  assert.equal(e.shortWindow, '5m');
  assert.equal(e.threshold, 14.4);
  assert.ok(Math.abs(e.burnRateShort - 20) < 1e-6);
  assert.ok(Math.abs(e.burnRateLong - (20 * 44) / 60) < 1e-6);
  assert.equal(e.runbookUrl, 'https://rb.example/x');
  assert.deepEqual(e.receivers, []);
  assert.equal(e.at, T0 + 43 * MIN);
  assert.match(e.summary, /slo/);
  for (const v of Object.values(e)) assert.notEqual(v, undefined);
  assert.ok(e.budgetRemaining < 1 && e.budgetRemaining > 0);
  // The burn stops: each tier resolves once its short window burns below its rate — page-fast
  // after two clean minutes (3 bad of 5 → 12×), page-slow after 22 (8 bad of 30 → 5.3×).
  const resolved: Array<[number, string, string]> = [];
  for (let k = 1; k <= 30; k++)
    for (const x of minute(engine, clock, 100, 0)) resolved.push([k, x.tier, x.state]);
  assert.deepEqual(resolved, [
    [2, 'page-fast', 'resolved'],
    [22, 'page-slow', 'resolved'],
  ]);
  const st = engine.status()[0]!;
  assert.ok(st.alerts.every((a) => !a.firing));
});

test('a single error on a quiet route does not page (min_events), and no traffic is no data', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([sloOf({})], clock, ROUTES);
  assert.deepEqual(engine.evaluate(), []);
  const empty = engine.status()[0]!;
  assert.equal(empty.sli, null);
  assert.equal(empty.budget.consumed, null);
  assert.equal(empty.budget.remaining, null);
  assert.equal(empty.time_to_exhaustion_s, null);
  assert.deepEqual(Object.values(empty.burn_rates), [null, null, null, null, null]);
  assert.deepEqual(empty.events, { good: 0, total: 0 });
  assert.equal(JSON.stringify(empty).includes('NaN'), false);
  for (let m = 0; m < 30; m++)
    assert.deepEqual(minute(engine, clock, m === 10 ? 1 : 0, m === 10 ? 1 : 0), []);
  const st = engine.status()[0]!;
  assert.equal(st.sli, 0);
  assert.ok(st.alerts.every((a) => !a.firing));
});

test('status: SLI in percent, budget in requests and in downtime, burn rates, time to exhaustion', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([sloOf({})], clock, ROUTES);
  for (let m = 0; m < 60; m++) minute(engine, clock, 100, m >= 10 && m < 13 ? 1 : 0);
  const st = engine.status()[0]!;
  assert.equal(st.name, 'slo');
  assert.equal(st.kind, 'availability');
  assert.equal(st.objective, 99.9);
  assert.equal(st.window, '30d');
  assert.ok(Math.abs(st.sli! - 99.95) < 1e-9);
  assert.deepEqual(st.events, { good: 5997, total: 6000 });
  assert.ok(Math.abs(st.budget.allowed_bad - 6) < 1e-9);
  assert.ok(Math.abs(st.budget.allowed_downtime_s! - 2592) < 1e-6);
  assert.ok(Math.abs(st.budget.consumed! - 0.5) < 1e-9);
  assert.ok(Math.abs(st.budget.remaining! - 0.5) < 1e-9);
  // The clock is at the start of minute 60: the 1h window is minutes 1-60 (5900 requests, 3 bad).
  const burn1h = 3 / 5900 / 0.001;
  assert.ok(Math.abs(st.burn_rates['1h']! - burn1h) < 1e-9);
  assert.equal(st.burn_rates['5m'], 0);
  // Half of the 30d budget left, burning at ~0.51×: 0.5 × 30d / 0.51.
  assert.ok(Math.abs(st.time_to_exhaustion_s! - (0.5 * 30 * 86_400) / burn1h) < 1e-3);
  assert.deepEqual(
    st.alerts.map((a) => [a.tier, a.severity, a.firing, a.threshold]),
    [
      ['page-fast', 'critical', false, 14.4],
      ['page-slow', 'critical', false, 6],
      ['ticket', 'warning', false, 1],
    ],
  );
});

test('an SLO without alerting is tracked (status shows the burn) but emits no events', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([sloOf({ alerting: { enabled: false } })], clock, ROUTES);
  for (let m = 0; m < 10; m++) assert.deepEqual(minute(engine, clock, 100, 50), []);
  assert.equal(engine.status()[0]!.alerts[0]!.firing, true);
});

test('export → import restores history into a fresh engine, and merges counts of other workers', () => {
  const clock = new ManualClock(T0);
  const a = new SloEngine([sloOf({})], clock, ROUTES);
  const b = new SloEngine([sloOf({})], clock, ROUTES);
  for (let m = 0; m < 5; m++) {
    minute(a, clock, 10, 1);
    for (let i = 0; i < 3; i++) b.record(done());
  }
  const state = JSON.parse(JSON.stringify(a.export()));
  const restored = new SloEngine([sloOf({})], clock, ROUTES);
  restored.import(state);
  a.evaluate();
  restored.evaluate();
  assert.deepEqual(restored.status(), a.status());
  restored.import(b.export());
  assert.deepEqual(restored.status()[0]!.events, { good: 60, total: 65 });
  // A different objective is a different SLO: its counts are not imported.
  const other = new SloEngine([sloOf({ objective: 99 })], clock, ROUTES);
  other.import(state);
  assert.deepEqual(other.status()[0]!.events, { good: 0, total: 0 });
});

test('reconfigure keeps history when name, kind, objective and threshold are unchanged; a removed firing alert resolves', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine(
    [sloOf({}), sloOf({ name: 'lat', kind: 'latency', latency: { threshold: 100 } })],
    clock,
    ROUTES,
  );
  let events: SloAlertEvent[] = [];
  for (let m = 0; m < 10; m++) events = events.concat(minute(engine, clock, 200, 100));
  assert.ok(events.some((e) => e.key === 'lat:page-fast' && e.state === 'firing'));
  engine.reconfigure(
    [
      sloOf({ routes: ['api'], policy: { stop_retries: true } }),
      sloOf({ name: 'lat', kind: 'latency', latency: { threshold: 250 } }),
    ],
    ROUTES,
  );
  const [kept, changed] = engine.status();
  assert.deepEqual(kept!.events, { good: 1000, total: 2000 });
  assert.equal(kept!.alerts[0]!.firing, true, 'a kept SLO keeps its alert state: no duplicate page');
  assert.deepEqual(changed!.events, { good: 0, total: 0 });
  const next = engine.evaluate();
  assert.deepEqual(
    next.filter((e) => e.slo === 'lat').map((e) => [e.tier, e.state]),
    [
      ['page-fast', 'resolved'],
      ['page-slow', 'resolved'],
      ['ticket', 'resolved'],
    ],
  );
  assert.equal(next.filter((e) => e.slo === 'slo').length, 0);
});

test('throughput: minutes under the floor are bad; alerts wait until the long window was observed', () => {
  const clock = new ManualClock(T0);
  const slo = sloOf({
    kind: 'throughput',
    throughput: { min_rps: 1 },
    alerting: { runbook_url: 'https://rb.example/x' },
  });
  const engine = new SloEngine([slo], clock, ROUTES);
  const fired: Array<[number, string]> = [];
  for (let m = 0; m < 61; m++)
    for (const e of minute(engine, clock, 30, 0)) fired.push([m, `${e.tier}:${e.state}`]);
  assert.deepEqual(fired, [[60, 'page-fast:firing']]);
  const st = engine.status()[0]!;
  assert.equal(st.sli, 0);
  assert.equal(st.budget.allowed_downtime_s, null);
});

test('a 99.99% budget spent to the request is spent: remaining 0, and the budget policies start', () => {
  const clock = new ManualClock(T0);
  const slo = sloOf({ objective: 99.99, policy: { freeze_reloads: true, shed_share: 0.5 } });
  const engine = new SloEngine([slo], clock, ROUTES);
  minute(engine, clock, 10_000, 1); // 1 bad in 10 000: exactly the budget
  const st = engine.status()[0]!;
  assert.equal(st.budget.remaining, 0);
  assert.equal(st.budget.consumed, 1);
  assert.equal(st.budget.allowed_bad, 1);
  assert.equal(st.budget.allowed_downtime_s, 259.2);
  const actions = deriveActions(
    [slo],
    [{ name: 'slo', pageFiring: [], budgetRemaining: st.budget.remaining }],
    ROUTES,
  );
  assert.deepEqual(actions.map((a) => a.action).sort(), ['freeze_reloads', 'shed_share']);
  assert.equal(new SloEngine([sloOf({})], clock, ROUTES).status()[0]!.budget.allowed_downtime_s, 2592);
});

test('restore() resumes a firing tier without an event; the first evaluation after the burn resolves it', () => {
  const clock = new ManualClock(T0);
  const before = new SloEngine([sloOf({})], clock, ROUTES);
  const fired = minute(before, clock, 200, 100);
  assert.deepEqual(
    fired.map((e) => [e.tier, e.state]),
    [
      ['page-fast', 'firing'],
      ['page-slow', 'firing'],
      ['ticket', 'firing'],
    ],
  );
  const saved = JSON.parse(JSON.stringify(before.export()));

  // Restarted during the burn: still firing, no transition, the same start time.
  const during = new SloEngine([sloOf({})], clock, ROUTES);
  during.restore(saved);
  assert.deepEqual(minute(during, clock, 200, 100), []);
  assert.deepEqual(during.firingSince(), before.firingSince());
  assert.equal(during.firingSince().get('slo:page-fast'), T0);
  assert.deepEqual(
    during.alertStates().map((e) => [e.key, e.state]),
    [
      ['slo:page-fast', 'firing'],
      ['slo:page-slow', 'firing'],
      ['slo:ticket', 'firing'],
    ],
  );

  // Restarted after the burn: where the short window is clean (5m, 30m; not the ticket's 6h),
  // the tier resolves, once.
  clock.advance(2 * 3_600_000);
  const afterwards = new SloEngine([sloOf({})], clock, ROUTES);
  afterwards.restore(saved);
  const events = afterwards.evaluate();
  assert.deepEqual(
    events.map((e) => [e.tier, e.state]),
    [
      ['page-fast', 'resolved'],
      ['page-slow', 'resolved'],
    ],
  );
  assert.deepEqual(afterwards.evaluate(), []);
  // import() (a worker's counts) never carries alert state: only restore() does.
  const merged = new SloEngine([sloOf({})], clock, ROUTES);
  merged.import(saved);
  assert.equal(merged.firingSince().size, 0);
});

test('budget spent: recorded when the evaluation first finds it, kept as time passes and across a restore', () => {
  const clock = new ManualClock(T0);
  const engine = new SloEngine([sloOf({ alerting: { enabled: false } })], clock, ROUTES);
  minute(engine, clock, 10_000, 5); // half the budget
  assert.equal(engine.status()[0]!.budget.spent_since, null);
  clock.advance(30_000); // mid-minute 1
  minute(engine, clock, 1000, 5); // 10 bad of 11 000 allowed 11: not yet
  assert.equal(engine.status()[0]!.budget.spent_since, null);
  clock.advance(10 * MIN);
  minute(engine, clock, 0, 0);
  clock.advance(30_000); // mid-minute 14
  for (let i = 0; i < 2; i++) engine.record(done({ status: 500 })); // 12 bad of 11 002: spent
  engine.evaluate();
  const spentAt = new Date(T0 + 14 * MIN).toISOString(); // the minute it crossed
  assert.equal(engine.status()[0]!.budget.spent_since, spentAt);
  clock.advance(3 * 3_600_000);
  engine.evaluate();
  assert.equal(engine.status()[0]!.budget.spent_since, spentAt, 'not the time of the report');
  const restored = new SloEngine([sloOf({ alerting: { enabled: false } })], clock, ROUTES);
  restored.restore(JSON.parse(JSON.stringify(engine.export())));
  assert.equal(restored.status()[0]!.budget.spent_since, spentAt);
  // Without a record (counts only), the history still dates it to the minute it crossed.
  const counted = new SloEngine([sloOf({ alerting: { enabled: false } })], clock, ROUTES);
  counted.import(engine.export());
  assert.equal(counted.status()[0]!.budget.spent_since, spentAt);
  // Good traffic refills it: no longer spent, no date.
  for (let i = 0; i < 100_000; i++) engine.record(done());
  engine.evaluate();
  assert.equal(engine.status()[0]!.budget.spent_since, null);
});
