import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';

test('numbers are milliseconds; strings carry one unit', () => {
  const cases: Array<[unknown, number]> = [
    [250, 250],
    [0, 0],
    ['250ms', 250],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    [' 3s ', 3000],
    [1.4, 1],
  ];
  for (const [input, ms] of cases) assert.deepEqual(parseDuration(input), { ok: true, ms }, String(input));
});

test('a bad duration is a clear problem that says what would be valid', () => {
  const r = parseDuration('2 seconds');
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.message === '"2 seconds" is not a duration');
  assert.ok(!r.ok && r.hint.includes('"250ms", "2s"'));
  const bare = parseDuration('250');
  assert.ok(!bare.ok && bare.hint.startsWith('add a unit, e.g. "250ms"'));
  const neg = parseDuration(-5);
  assert.ok(!neg.ok && neg.message === '-5 is not a duration');
  const wrong = parseDuration(true);
  assert.ok(!wrong.ok && wrong.message === 'expected a duration, received true');
  assert.equal(parseDuration(Number.NaN).ok, false);
});

test('durations beyond the Node timer range are refused', () => {
  assert.deepEqual(parseDuration(MAX_DURATION_MS), { ok: true, ms: MAX_DURATION_MS });
  const r = parseDuration('1000h');
  assert.ok(!r.ok && r.message === '"1000h" is too long (3600000000 ms)');
});

test('formatDuration picks the largest whole unit', () => {
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(7_200_000), '2h');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(0), '0ms');
});
