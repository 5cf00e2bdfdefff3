import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetFor, defaultTiers, tierTable } from './budget-math.js';
import { formatSpan, parseWindow } from './span.js';

const DAY = 86_400_000;

describe('error budget arithmetic', () => {
  it('99.9% over 30d allows 43.2 minutes, 1m 26.4s a day, and 1 request in 1000', () => {
    const b = budgetFor(99.9, 30 * DAY, 1_000_000);
    assert.equal(b.share, 0.001);
    assert.equal(b.timeMs, 43.2 * 60_000);
    assert.equal(formatSpan(b.timeMs), '43m 12s');
    assert.equal(formatSpan(b.perDayMs), '1m 26.4s');
    assert.equal(formatSpan(b.perWeekMs), '10m 4.8s');
    assert.equal(b.badRequests, 1000);
    assert.equal(budgetFor(99.9, 30 * DAY).badRequests, null);
    assert.equal(budgetFor(99.95, 30 * DAY, 1999).badRequests, 0, 'a fraction of a request is no budget');
  });

  it('refuses objectives outside (0, 100) and empty windows', () => {
    for (const o of [0, 100, -1, 101, Number.NaN]) assert.throws(() => budgetFor(o, DAY), RangeError);
    assert.throws(() => budgetFor(99, 0), RangeError);
  });

  it('default tiers over 30d: 14.4×, 6×, 1×, with their error rates and time to exhaustion', () => {
    const rows = tierTable(budgetFor(99.9, 30 * DAY), defaultTiers(30 * DAY));
    assert.deepEqual(
      rows.map((r) => [r.name, r.burn_rate, r.errorRate, formatSpan(r.exhaustMs)]),
      [
        ['page-fast', 14.4, 0.0144, '2d 2h'],
        ['page-slow', 6, 0.006, '5d'],
        ['ticket', 1, 0.001, '30d'],
      ],
    );
  });

  it('scales burn rates with the window: burn = share × window / long window', () => {
    const rows = defaultTiers(7 * DAY);
    assert.deepEqual(
      rows.map((r) => r.burn_rate),
      [3.36, 1.4, 0.233333333333],
    );
  });

  it('formats spans for people: whole units, seconds to a tenth', () => {
    assert.equal(formatSpan(0), '0s');
    assert.equal(formatSpan(40), '40ms');
    assert.equal(formatSpan(59_960), '1m', 'rounded once, never "60s"');
    assert.equal(formatSpan(180_000_000), '2d 2h');
    assert.equal(formatSpan(Number.POSITIVE_INFINITY), '∞');
  });

  it('parses windows as the CLI takes them', () => {
    assert.equal(parseWindow('30d'), 30 * DAY);
    assert.equal(parseWindow('4w'), 28 * DAY);
    assert.equal(parseWindow('12h'), DAY / 2);
    for (const bad of ['30', 'd', '30x', '0d', '-1d', '']) assert.equal(parseWindow(bad), null, bad);
  });
});
