/**
 * The budget arithmetic against exact rational arithmetic (BigInt): objectives are decimals a
 * binary float cannot hold, so these check that a budget spent to the event counts as spent,
 * that the sign of what is left is always the exact one, and that budgets in time are the exact
 * decimal (99.9% of 30d is 2592 s, not 2591.9999999998527).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  allowedDowntimeMs,
  budgetConsumed,
  budgetFraction,
  budgetRemaining,
  budgetSpent,
  errorBudget,
} from './math.js';

const DAY = 86_400_000;

/** An objective with 0..6 decimal places in (0, 100), and its exact bad share as places/den. */
const objective = fc.integer({ min: 0, max: 6 }).chain((places) =>
  fc.integer({ min: 1, max: 100 * 10 ** places - 1 }).map((good) => ({
    value: Number((good / 10 ** places).toFixed(places)),
    badNum: 100n * 10n ** BigInt(places) - BigInt(good),
    den: 100n * 10n ** BigInt(places),
  })),
);

test('the budget fraction is the exact decimal the objective was written as', () => {
  fc.assert(
    fc.property(objective, (o) => {
      const f = budgetFraction(o.value);
      // num/den equals badNum/den: cross-multiplied in BigInt.
      assert.equal(BigInt(f.num) * o.den, o.badNum * BigInt(f.den));
      assert.equal(errorBudget(o.value), Number(o.badNum) / Number(o.den));
    }),
  );
});

test('a budget spent to the event is spent: remaining is exactly 0 and consumed exactly 1', () => {
  fc.assert(
    fc.property(objective, fc.integer({ min: 1, max: 1000 }), (o, k) => {
      // total × bad share is a whole number of requests when total is a multiple of den / gcd.
      const g = gcd(o.badNum, o.den);
      const total = Number((o.den / g) * BigInt(k));
      const bad = Number((o.badNum / g) * BigInt(k));
      fc.pre(Number.isSafeInteger(total));
      const at = { good: total - bad, total };
      assert.equal(budgetRemaining(at, o.value), 0);
      assert.equal(budgetConsumed(at, o.value), 1);
      assert.equal(budgetSpent(at, o.value), true);
      if (bad > 0) {
        const under = { good: total - bad + 1, total };
        assert.ok(budgetRemaining(under, o.value)! > 0);
        assert.equal(budgetSpent(under, o.value), false);
      }
      if (bad < total) assert.ok(budgetRemaining({ good: total - bad - 1, total }, o.value)! < 0);
    }),
  );
});

test('the sign of the budget left is the exact one for any counts, up to ten billion requests', () => {
  fc.assert(
    fc.property(
      objective,
      fc.integer({ min: 1, max: 10_000_000_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (o, total, share) => {
        const bad = Math.min(total, Math.round(total * share * share * share));
        const exact = BigInt(total) * o.badNum - BigInt(bad) * o.den; // (allowed − bad) × den
        const left = budgetRemaining({ good: total - bad, total }, o.value)!;
        assert.equal(Math.sign(left), exact > 0n ? 1 : exact < 0n ? -1 : 0, `left ${left}`);
        assert.equal(budgetSpent({ good: total - bad, total }, o.value), exact <= 0n);
      },
    ),
  );
});

test('allowed downtime over whole days is the exact decimal: whole ms up to 2 places, exact to the ms beyond', () => {
  fc.assert(
    fc.property(objective, fc.integer({ min: 1, max: 90 }), (o, days) => {
      const ms = allowedDowntimeMs(days * DAY, o.value);
      const exactNum = BigInt(days * DAY) * o.badNum; // ms × den
      assert.ok(Math.abs(ms * Number(o.den) - Number(exactNum)) <= Number(exactNum) * 2 ** -50);
      if (o.den <= 10_000n) assert.equal(BigInt(ms) * o.den, exactNum, 'a whole number of ms');
    }),
  );
  assert.equal(allowedDowntimeMs(30 * DAY, 99.9), 2_592_000);
  assert.equal(allowedDowntimeMs(30 * DAY, 99.99), 259_200);
});

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}
