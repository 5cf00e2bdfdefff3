import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../../core/random.js';
import { type TestHost, tally, testHost, testHosts } from './hosts.test-util.js';
import { RingHashBalancer } from './ring-hash.js';

const ring = (hosts: TestHost[]): RingHashBalancer<TestHost> => {
  const b = new RingHashBalancer<TestHost>({ random: seededRandom(1) });
  b.update(hosts);
  return b;
};
const owner = (b: RingHashBalancer<TestHost>, key: string, exclude?: ReadonlySet<string>): string =>
  b.pick({ key, exclude })!.id;
const keys = (n: number, prefix = 'user-'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('RingHashBalancer', () => {
  it('sends the same key to the same host, across instances and unchanged updates', () => {
    const hosts = testHosts(4);
    const a = ring(hosts);
    const b = ring(testHosts(4));
    for (const k of keys(500)) assert.equal(owner(a, k), owner(b, k));
    const before = keys(500).map((k) => owner(a, k));
    a.update(testHosts(4)); // same ids, new objects
    assert.deepEqual(
      keys(500).map((k) => owner(a, k)),
      before,
    );
  });

  it('spreads 30k keys over 3 hosts within ±25% of a third each', () => {
    const b = ring([testHost('10.0.0.1:8080'), testHost('10.0.0.2:8080'), testHost('10.0.0.3:8080')]);
    const counts = tally(keys(30_000).map((k) => b.pick({ key: k, exclude: undefined })));
    for (const [id, c] of counts) assert.ok(Math.abs(c - 10_000) <= 2_500, `${id}: ${c}`);
  });

  it('gives a host of weight 2 about twice the keys', () => {
    const b = ring([testHost('a', { weight: 2 }), testHost('b'), testHost('c')]);
    const counts = tally(keys(20_000).map((k) => b.pick({ key: k, exclude: undefined })));
    const ratio = counts.get('a')! / ((counts.get('b')! + counts.get('c')!) / 2);
    assert.ok(ratio > 1.6 && ratio < 2.4, `ratio ${ratio}`);
  });

  it('moves only the keys of a host that leaves, and brings them back when it returns (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 200 }),
        (gone, ks) => {
          const hosts = testHosts(5, '10.1.0.');
          const b = ring(hosts);
          const before = ks.map((k) => owner(b, k));
          b.update(hosts.filter((_, i) => i !== gone));
          const during = ks.map((k) => owner(b, k));
          for (let i = 0; i < ks.length; i++) {
            if (before[i] === hosts[gone]!.id) assert.notEqual(during[i], before[i]);
            else assert.equal(during[i], before[i]);
          }
          b.update(hosts);
          assert.deepEqual(
            ks.map((k) => owner(b, k)),
            before,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('sends the keys of an excluded host where they would go if it had left', () => {
    const hosts = testHosts(5);
    const full = ring(hosts);
    const without = ring(hosts.filter((h) => h.id !== 'h2'));
    const exclude = new Set(['h2']);
    for (const k of keys(2000)) assert.equal(owner(full, k, exclude), owner(without, k));
  });

  it('picks a random host (not excluded) when the request has no key', () => {
    const b = ring(testHosts(4));
    const exclude = new Set(['h0']);
    const counts = tally(Array.from({ length: 3000 }, () => b.pick({ key: undefined, exclude })));
    assert.equal(counts.get('h0'), undefined);
    for (const id of ['h1', 'h2', 'h3']) assert.ok(counts.get(id)! > 800, `${id}: ${counts.get(id)}`);
  });
});
