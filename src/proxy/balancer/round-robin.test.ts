import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scriptedRandom, seededRandom } from '../../core/random.js';
import { tally, testHost, testHosts } from './hosts.test-util.js';
import { RoundRobinBalancer } from './round-robin.js';

const none = { key: undefined, exclude: undefined };

describe('RoundRobinBalancer', () => {
  it('is exactly fair: each host once per cycle, in order', () => {
    const b = new RoundRobinBalancer({ random: scriptedRandom([0]) });
    b.update(testHosts(3));
    const ids = Array.from({ length: 9 }, () => b.pick(none)!.id);
    assert.deepEqual(ids, ['h0', 'h1', 'h2', 'h0', 'h1', 'h2', 'h0', 'h1', 'h2']);
  });

  it('starts at a random position so that workers started together do not march in step', () => {
    const b = new RoundRobinBalancer({ random: scriptedRandom([0.5]) });
    b.update(testHosts(4));
    assert.equal(b.pick(none)!.id, 'h2');
  });

  it('ignores weights and load', () => {
    const b = new RoundRobinBalancer({ random: seededRandom(3) });
    b.update([
      testHost('a', { weight: 10, inFlight: 100 }),
      testHost('b'),
      testHost('c', { latencyEwma: 900 }),
    ]);
    const counts = tally(Array.from({ length: 300 }, () => b.pick(none)));
    assert.deepEqual([...counts.values()], [100, 100, 100]);
  });

  it('skips an excluded host to the next one and keeps the rotation going', () => {
    const b = new RoundRobinBalancer({ random: scriptedRandom([0]) });
    b.update(testHosts(3));
    assert.equal(b.pick({ key: undefined, exclude: new Set(['h0']) })!.id, 'h1');
    assert.equal(b.pick(none)!.id, 'h2');
    assert.equal(b.pick(none)!.id, 'h0');
  });

  it('keeps its place when the set shrinks under it', () => {
    const b = new RoundRobinBalancer({ random: scriptedRandom([0]) });
    b.update(testHosts(5));
    for (let i = 0; i < 4; i++) b.pick(none);
    b.update(testHosts(2));
    assert.deepEqual([b.pick(none)!.id, b.pick(none)!.id, b.pick(none)!.id], ['h0', 'h1', 'h0']);
  });
});
