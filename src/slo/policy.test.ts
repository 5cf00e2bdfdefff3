import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SloConfig } from '../config/types.js';
import { deriveActions, routePolicies } from './policy.js';

const slo = (name: string, routes: string[], policy: Partial<SloConfig['policy']>): SloConfig =>
  ({
    name,
    routes,
    policy: { stop_retries: false, shed_share: 0, freeze_reloads: false, ...policy },
  }) as SloConfig;

describe('budget policy', () => {
  const all = ['a', 'b', 'c'];

  it('stops retries on a firing page tier or a spent budget, not otherwise', () => {
    const s = [slo('x', ['a'], { stop_retries: true })];
    assert.deepEqual(deriveActions(s, [{ name: 'x', pageFiring: [], budgetRemaining: 0.5 }], all), []);
    const fast = deriveActions(s, [{ name: 'x', pageFiring: ['page-fast'], budgetRemaining: 0.5 }], all);
    assert.equal(fast.length, 1);
    assert.match(fast[0]!.reason, /page alert page-fast firing/);
    const spent = deriveActions(s, [{ name: 'x', pageFiring: [], budgetRemaining: -0.2 }], all);
    assert.match(spent[0]!.reason, /spent \(-20\.0% left\)/);
  });

  it('sheds and freezes only while the budget is spent; no data is not spent', () => {
    const s = [slo('x', [], { shed_share: 0.3, freeze_reloads: true })];
    assert.deepEqual(deriveActions(s, [{ name: 'x', pageFiring: ['p'], budgetRemaining: null }], all), []);
    const spent = deriveActions(s, [{ name: 'x', pageFiring: [], budgetRemaining: 0 }], all);
    assert.deepEqual(
      spent.map((a) => [a.action, a.routes]),
      [
        ['shed_share', all],
        ['freeze_reloads', all],
      ],
    );
  });

  it('a budget spent by too few events (below alerting.min_events) starts no policy', () => {
    const s = [
      {
        ...slo('x', [], { stop_retries: true, shed_share: 0.3, freeze_reloads: true }),
        kind: 'availability',
        alerting: { min_events: 100 },
      } as SloConfig,
    ];
    const one = [{ name: 'x', pageFiring: [], budgetRemaining: -999, events: 1 }];
    assert.deepEqual(deriveActions(s, one, all), [], 'one failed request out of one');
    const enough = [{ name: 'x', pageFiring: [], budgetRemaining: -0.1, events: 100 }];
    assert.deepEqual(
      deriveActions(s, enough, all).map((a) => a.action),
      ['stop_retries', 'shed_share', 'freeze_reloads'],
    );
  });

  it('combines SLOs per route: no retries if any says so, the largest shed share', () => {
    const s = [
      slo('x', ['a', 'b'], { stop_retries: true, shed_share: 0.2 }),
      slo('y', ['b'], { shed_share: 0.5 }),
    ];
    const c = [
      { name: 'x', pageFiring: [], budgetRemaining: -1 },
      { name: 'y', pageFiring: [], budgetRemaining: -1 },
    ];
    const p = routePolicies(deriveActions(s, c, all));
    assert.deepEqual(p.get('a'), { retries: false, shedShare: 0.2 });
    assert.deepEqual(p.get('b'), { retries: false, shedShare: 0.5 });
    assert.equal(p.get('c'), undefined);
  });
});
