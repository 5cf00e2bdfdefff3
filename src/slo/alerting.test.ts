import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TierAlert } from './alerting.js';
import { sloOf } from './fixture.test.js';

const slo = sloOf({ alerting: { runbook_url: 'https://rb.example/x', receivers: [] } });
const fast = () => new TierAlert(slo, slo.alerting.tiers[0]!);
const reading = (burnLong: number | null, burnShort: number | null, enough = true) => ({
  burnLong,
  burnShort,
  enough,
  budgetRemaining: 0.75,
});

test('a tier fires only when both windows reach its rate with enough events, and emits on transitions only', () => {
  const a = fast();
  assert.equal(a.evaluate(reading(20, 10), 1), null, 'short window below 14.4');
  assert.equal(a.evaluate(reading(10, 20), 2), null, 'long window below 14.4');
  assert.equal(a.evaluate(reading(20, 20, false), 3), null, 'too few events');
  assert.equal(a.evaluate(reading(null, null), 4), null, 'no data');
  const fired = a.evaluate(reading(14.4, 14.4), 5);
  assert.equal(fired?.state, 'firing', 'exactly the threshold fires');
  assert.equal(a.evaluate(reading(30, 30), 6), null, 'still firing: no new event');
  const resolved = a.evaluate(reading(15, 2), 7);
  assert.equal(resolved?.state, 'resolved');
  assert.equal(resolved?.key, 'slo:page-fast');
  assert.equal(resolved?.at, 7);
  assert.equal(resolved?.budgetRemaining, 0.75);
  assert.match(resolved?.summary ?? '', /burn stopped/);
});

test('float noise at the threshold does not flap: 0.999 against the ticket tier burns at 1', () => {
  const ticket = new TierAlert(slo, slo.alerting.tiers[2]!);
  const burn = 0.001 / (1 - 0.999); // 0.9999999999999991
  assert.equal(ticket.evaluate(reading(burn, burn), 1)?.state, 'firing');
});
