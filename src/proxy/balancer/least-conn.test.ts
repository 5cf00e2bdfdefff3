import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../core/random.js';
import { type TestHost, tally, testHost } from './hosts.test-util.js';
import { LeastConnBalancer } from './least-conn.js';

const none = { key: undefined, exclude: undefined };

describe('LeastConnBalancer', () => {
  it('prefers the least loaded host', () => {
    const b = new LeastConnBalancer({ random: seededRandom(1) });
    b.update([
      testHost('a', { inFlight: 5 }),
      testHost('b', { inFlight: 1 }),
      testHost('c', { inFlight: 3 }),
    ]);
    for (let i = 0; i < 50; i++) assert.equal(b.pick(none)!.id, 'b');
  });

  it('measures load relative to weight', () => {
    const b = new LeastConnBalancer({ random: seededRandom(1) });
    // a: 4 / 4 = 1 per unit of weight; b: 2 / 1 = 2.
    b.update([testHost('a', { inFlight: 4, weight: 4 }), testHost('b', { inFlight: 2 })]);
    assert.equal(b.pick(none)!.id, 'a');
  });

  it('follows load as it changes (reads the live inFlight)', () => {
    const hosts = [testHost('a'), testHost('b'), testHost('c')];
    const b = new LeastConnBalancer<TestHost>({ random: seededRandom(9) });
    b.update(hosts);
    // Requests that never finish: least-conn must spread them evenly.
    for (let i = 0; i < 30; i++) b.pick(none)!.inFlight++;
    assert.deepEqual(
      hosts.map((h) => h.inFlight),
      [10, 10, 10],
    );
  });

  it('breaks ties at random, so idle hosts share the load', () => {
    const b = new LeastConnBalancer({ random: seededRandom(5) });
    b.update([testHost('a'), testHost('b'), testHost('c')]);
    const counts = tally(Array.from({ length: 3000 }, () => b.pick(none)));
    for (const id of ['a', 'b', 'c'])
      assert.ok(Math.abs(counts.get(id)! - 1000) < 150, `${id}: ${counts.get(id)}`);
  });

  it('takes the least loaded host among those not excluded', () => {
    const b = new LeastConnBalancer({ random: seededRandom(1) });
    b.update([
      testHost('a', { inFlight: 0 }),
      testHost('b', { inFlight: 7 }),
      testHost('c', { inFlight: 3 }),
    ]);
    assert.equal(b.pick({ key: undefined, exclude: new Set(['a']) })!.id, 'c');
    assert.equal(b.pick({ key: undefined, exclude: new Set(['a', 'b', 'c']) })!.id, 'a');
  });
});
