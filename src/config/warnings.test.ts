import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimal } from './helpers.test.js';
import { formatProblem } from './problems.js';
import { validateConfig } from './validate.js';
import { configWarnings, objectiveWarning } from './warnings.js';

const withObjective = (objective: number) =>
  validateConfig(
    { ...minimal(), slos: [{ name: 's', kind: 'availability', objective, alerting: { enabled: false } }] },
    {},
  );

test('an objective below 1 is valid but warned about: it reads as a fraction of 100 %', () => {
  const r = withObjective(0.999);
  assert.ok(r.ok, 'a warning never refuses the config');
  assert.deepEqual(configWarnings(r.config).map(formatProblem), [
    'slos[0].objective: 0.999 means 0.999 % good, not 99.9 %: objectives are percentages; fix: write objective: 99.9 for 99.9 %, or keep 0.999 only if less than 1 % good is meant',
  ]);
  assert.equal(configWarnings(r.config)[0]!.code, 'objective_fraction');
});

test('the percentage meant is computed without floating-point noise', () => {
  for (const [fraction, meant] of [
    [0.9, '90'],
    [0.99, '99'],
    [0.995, '99.5'],
    [0.9999, '99.99'],
    [0.999999, '99.9999'],
    [0.5, '50'],
  ] as const) {
    assert.match(
      objectiveWarning(fraction)?.message ?? '',
      new RegExp(`, not ${meant} %:`),
      String(fraction),
    );
  }
  assert.equal(
    objectiveWarning(0.999, (v) => `--objective ${v}`)?.hint.startsWith('write --objective 99.9 '),
    true,
  );
});

test('from 1 % up an objective is taken at its word', () => {
  for (const objective of [1, 50, 99.9, 99.999]) {
    const r = withObjective(objective);
    assert.ok(r.ok);
    assert.deepEqual(configWarnings(r.config), [], String(objective));
  }
});
