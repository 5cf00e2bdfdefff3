import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allowedBad,
  allowedDowntimeMs,
  budgetConsumed,
  budgetRemaining,
  burnRate,
  errorBudget,
  sli,
  timeToExhaustionMs,
} from './math.js';

const DAY = 86_400_000;
const close = (a: number | null, b: number, eps = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≈ ${b}`);

test('allowed downtime: 43.2 minutes in 30 days at 99.9% (and the other usual rows)', () => {
  for (const [objective, windowMs, minutes] of [
    [99.9, 30 * DAY, 43.2],
    [99.9, 28 * DAY, 40.32],
    [99.9, 7 * DAY, 10.08],
    [99.99, 30 * DAY, 4.32],
    [99.5, 30 * DAY, 216],
    [99, 30 * DAY, 432],
  ] as const) {
    close(allowedDowntimeMs(windowMs, objective) / 60_000, minutes, 1e-6);
  }
});

test('budget in requests: (1 − objective) × total', () => {
  close(allowedBad({ good: 0, total: 1_000_000 }, 99.9), 1000, 1e-6);
  close(allowedBad({ good: 0, total: 250_000 }, 99.5), 1250, 1e-6);
  assert.equal(allowedBad({ good: 0, total: 0 }, 99.9), 0);
  close(errorBudget(99.9), 0.001, 1e-12);
});

test('burn rate = bad share / (1 − objective); consumed and remaining follow', () => {
  for (const [good, total, objective, burn] of [
    [980, 1000, 99.9, 20], // 2% errors against 99.9%
    [999, 1000, 99.9, 1],
    [9856, 10_000, 99.9, 14.4],
    [1000, 1000, 99.9, 0],
  ] as const) {
    close(burnRate({ good, total }, objective), burn, 1e-6);
  }
  close(budgetConsumed({ good: 9995, total: 10_000 }, 99.9), 0.5, 1e-6);
  close(budgetRemaining({ good: 9995, total: 10_000 }, 99.9), 0.5, 1e-6);
  close(budgetRemaining({ good: 9970, total: 10_000 }, 99.9), -2, 1e-6);
});

test('no traffic is no data: null, never NaN or 100%', () => {
  const none = { good: 0, total: 0 };
  assert.equal(sli(none), null);
  assert.equal(burnRate(none, 99.9), null);
  assert.equal(budgetConsumed(none, 99.9), null);
  assert.equal(budgetRemaining(none, 99.9), null);
  assert.equal(sli({ good: 3, total: 4 }), 0.75);
});

test('time to exhaustion: remaining × window / burn rate; null when not burning', () => {
  // Half the 30d budget left, burning at 14.4×: 0.5 × 30d / 14.4 = 25 hours.
  close(timeToExhaustionMs(0.5, 14.4, 30 * DAY), 25 * 3_600_000, 1e-3);
  assert.equal(timeToExhaustionMs(0.5, 0, 30 * DAY), null);
  assert.equal(timeToExhaustionMs(0.5, null, 30 * DAY), null);
  assert.equal(timeToExhaustionMs(null, 2, 30 * DAY), null);
  assert.equal(timeToExhaustionMs(-0.1, 2, 30 * DAY), 0);
});
