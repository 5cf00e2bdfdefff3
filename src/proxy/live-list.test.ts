import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveList, type LiveNode } from './live-list.js';

const node = (id: number) =>
  ({ id, livePrev: null, liveNext: null, inLive: false }) as LiveNode & { id: number };

describe('LiveList', () => {
  it('adds, deletes from any position and counts', () => {
    const l = new LiveList<LiveNode & { id: number }>();
    const [a, b, c] = [node(1), node(2), node(3)];
    l.add(a);
    l.add(b);
    l.add(c);
    assert.equal(l.size, 3);
    assert.deepEqual(
      l.toArray().map((n) => n.id),
      [3, 2, 1],
    );
    assert.equal(l.delete(b), true);
    assert.deepEqual(
      l.toArray().map((n) => n.id),
      [3, 1],
    );
    assert.equal(l.delete(c), true);
    assert.equal(l.delete(a), true);
    assert.equal(l.size, 0);
    assert.deepEqual(l.toArray(), []);
  });

  it('ignores a second add or delete, and leaves no links on a deleted node', () => {
    const l = new LiveList<LiveNode & { id: number }>();
    const [a, b] = [node(1), node(2)];
    l.add(a);
    l.add(a);
    l.add(b);
    assert.equal(l.size, 2);
    assert.equal(l.delete(a), true);
    assert.equal(l.delete(a), false);
    assert.equal(l.delete(node(9)), false);
    assert.equal(l.size, 1);
    assert.equal(a.livePrev, null);
    assert.equal(a.liveNext, null);
    assert.equal(b.liveNext, null);
  });

  it('lets a walker delete the nodes it visits (toArray is a copy)', () => {
    const l = new LiveList<LiveNode & { id: number }>();
    for (let i = 0; i < 5; i++) l.add(node(i));
    for (const n of l.toArray()) l.delete(n);
    assert.equal(l.size, 0);
  });
});
