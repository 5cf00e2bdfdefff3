import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tally, testHost } from './hosts.test-util.js';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.js';

const none = { key: undefined, exclude: undefined };

describe('WeightedRoundRobinBalancer (smooth, nginx)', () => {
  it('gives nginx’s exact sequence for weights {a:5, b:1, c:1}', () => {
    const b = new WeightedRoundRobinBalancer();
    b.update([testHost('a', { weight: 5 }), testHost('b'), testHost('c')]);
    const ids = Array.from({ length: 14 }, () => b.pick(none)!.id).join(' ');
    assert.equal(ids, 'a a b a c a a a a b a c a a');
  });

  it('gives each host exactly its weight share per cycle', () => {
    const b = new WeightedRoundRobinBalancer();
    b.update([testHost('a', { weight: 3 }), testHost('b', { weight: 2 }), testHost('c', { weight: 1 })]);
    const counts = tally(Array.from({ length: 600 }, () => b.pick(none)));
    assert.deepEqual(Object.fromEntries(counts), { a: 300, b: 200, c: 100 });
  });

  it('reads the live weight, so a host in slow start ramps up', () => {
    const hosts = [testHost('a', { weight: 1 }), testHost('new', { weight: 0.1 })];
    const b = new WeightedRoundRobinBalancer();
    b.update(hosts);
    const early = tally(Array.from({ length: 110 }, () => b.pick(none))).get('new') ?? 0;
    hosts[1]!.weight = 1; // slow start over
    const late = tally(Array.from({ length: 100 }, () => b.pick(none))).get('new') ?? 0;
    assert.ok(early <= 11, `early ${early}`);
    assert.ok(late >= 49 && late <= 51, `late ${late}`);
  });

  it('keeps the cycle of the hosts that stay across update()', () => {
    const a = testHost('a', { weight: 5 });
    const b1 = testHost('b');
    const c = testHost('c');
    const b = new WeightedRoundRobinBalancer();
    b.update([a, b1, c]);
    const first = [b.pick(none)!.id, b.pick(none)!.id, b.pick(none)!.id];
    b.update([a, b1, c]);
    const rest = Array.from({ length: 4 }, () => b.pick(none)!.id);
    assert.equal([...first, ...rest].join(' '), 'a a b a c a a');
  });

  it('skips excluded hosts and hands their turn to the others', () => {
    const b = new WeightedRoundRobinBalancer();
    b.update([testHost('a', { weight: 5 }), testHost('b'), testHost('c')]);
    const exclude = new Set(['a']);
    const ids = Array.from({ length: 4 }, () => b.pick({ key: undefined, exclude })!.id);
    assert.deepEqual(ids, ['b', 'c', 'b', 'c']);
  });
});
