import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../../core/random.js';
import { type TestHost, tally, testHost, testHosts } from './hosts.test-util.js';
import { BALANCER_ALGORITHMS, createBalancer } from './index.js';
import type { Balancer, PickContext } from './types.js';

/**
 * One contract suite, run against every algorithm (docs/architecture.md, "Contract tests"; after
 * honojs/hono src/router/common.case.test.ts). Each pick alternates between a sharding key and
 * none, so ring_hash is exercised on both of its paths; the other algorithms ignore the key.
 */
const ctx = (i: number, exclude?: ReadonlySet<string>): PickContext => ({
  key: i % 2 === 0 ? `key-${i}` : undefined,
  exclude,
});

for (const algorithm of BALANCER_ALGORITHMS) {
  const make = (seed = 1): Balancer<TestHost> =>
    createBalancer<TestHost>(algorithm, { random: seededRandom(seed) });

  describe(`balancer contract: ${algorithm}`, () => {
    it('names its algorithm', () => {
      assert.equal(make().algorithm, algorithm);
    });

    it('returns undefined for an empty set, before and after a non-empty one', () => {
      const b = make();
      assert.equal(b.pick(ctx(0)), undefined);
      b.update(testHosts(3));
      assert.notEqual(b.pick(ctx(0)), undefined);
      b.update([]);
      for (let i = 0; i < 10; i++) assert.equal(b.pick(ctx(i)), undefined);
      assert.equal(b.pick(ctx(0, new Set(['h0']))), undefined);
    });

    it('never returns undefined for a non-empty set', () => {
      for (let n = 1; n <= 6; n++) {
        const b = make(n);
        b.update(testHosts(n));
        for (let i = 0; i < 200; i++) assert.notEqual(b.pick(ctx(i)), undefined);
      }
    });

    it('returns only hosts of the current set (the objects given to the latest update)', () => {
      const b = make();
      b.update(testHosts(3, 'a'));
      for (let i = 0; i < 50; i++) b.pick(ctx(i));
      const next = [testHost('a2'), testHost('b0'), testHost('b1')];
      b.update(next);
      for (let i = 0; i < 300; i++) assert.ok(next.includes(b.pick(ctx(i))!));
      // Same ids, new objects: the new objects are returned, never stale ones.
      const again = [testHost('a2'), testHost('b0'), testHost('b1')];
      b.update(again);
      for (let i = 0; i < 300; i++) assert.ok(again.includes(b.pick(ctx(i))!));
    });

    it('respects exclude while any other host is available', () => {
      const hosts = testHosts(4);
      const b = make();
      b.update(hosts);
      for (let mask = 0; mask < 15; mask++) {
        const exclude = new Set(hosts.filter((_, i) => mask & (1 << i)).map((h) => h.id));
        for (let i = 0; i < 100; i++) assert.ok(!exclude.has(b.pick(ctx(i, exclude))!.id), `mask ${mask}`);
      }
    });

    it('still returns a host of the set when all are excluded', () => {
      const hosts = testHosts(3);
      const b = make();
      b.update(hosts);
      const all = new Set([...hosts.map((h) => h.id), 'gone']);
      for (let i = 0; i < 100; i++) assert.ok(hosts.includes(b.pick(ctx(i, all))!));
    });

    it('is deterministic given a seeded Random', () => {
      const run = (): string[] => {
        const b = make(42);
        const hosts = testHosts(5);
        b.update(hosts);
        const out: string[] = [];
        for (let i = 0; i < 500; i++) {
          hosts[i % 5]!.inFlight = i % 3;
          out.push(b.pick(ctx(i, i % 7 === 0 ? new Set(['h1']) : undefined))!.id);
        }
        return out;
      };
      assert.deepEqual(run(), run());
    });

    it('picks every host eventually under uniform conditions', () => {
      const b = make(7);
      b.update(testHosts(8));
      const counts = tally(Array.from({ length: 4000 }, (_, i) => b.pick(ctx(i))));
      assert.equal(counts.size, 8, JSON.stringify([...counts]));
    });

    it('keeps its invariants over random host sets and operations (property)', () => {
      const universe = Array.from({ length: 8 }, (_, i) => `u${i}`);
      const op = fc.oneof(
        fc.record({ kind: fc.constant('update' as const), ids: fc.subarray(universe) }),
        fc.record({
          kind: fc.constant('pick' as const),
          exclude: fc.subarray(universe),
          key: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        }),
        fc.record({
          kind: fc.constant('load' as const),
          id: fc.constantFrom(...universe),
          inFlight: fc.nat(50),
          latencyEwma: fc.oneof(fc.constant(0), fc.double({ min: 0.1, max: 5000, noNaN: true })),
          weight: fc.double({ min: 0.01, max: 10, noNaN: true }),
        }),
      );
      fc.assert(
        fc.property(fc.integer(), fc.array(op, { maxLength: 60 }), (seed, ops) => {
          const replay = (): string[] => {
            const b = make(seed);
            const live = new Map(universe.map((id) => [id, testHost(id)]));
            let current: TestHost[] = [];
            const picked: string[] = [];
            for (const o of ops) {
              if (o.kind === 'update') {
                current = o.ids.map((id) => live.get(id)!);
                b.update(current);
              } else if (o.kind === 'load') {
                Object.assign(live.get(o.id)!, {
                  inFlight: o.inFlight,
                  latencyEwma: o.latencyEwma,
                  weight: o.weight,
                });
              } else {
                const exclude = new Set(o.exclude);
                const h = b.pick({ key: o.key, exclude });
                if (current.length === 0) {
                  assert.equal(h, undefined);
                  continue;
                }
                assert.ok(h !== undefined && current.includes(h));
                if (current.some((c) => !exclude.has(c.id))) assert.ok(!exclude.has(h.id));
                picked.push(h.id);
              }
            }
            return picked;
          };
          assert.deepEqual(replay(), replay());
        }),
        { numRuns: 300 },
      );
    });
  });
}
