import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChildCache } from './child-cache.js';

describe('ChildCache', () => {
  it('builds a child once per label tuple, with the values as strings in order', () => {
    const made: string[][] = [];
    const cache = new ChildCache<{ id: number }>(3, (v) => {
      made.push(v);
      return { id: made.length };
    });
    const a = cache.get('api', 'GET', 200);
    assert.equal(cache.get('api', 'GET', 200), a);
    assert.notEqual(cache.get('api', 'GET', 500), a);
    assert.notEqual(cache.get('web', 'GET', 200), a);
    assert.deepEqual(made, [
      ['api', 'GET', '200'],
      ['api', 'GET', '500'],
      ['web', 'GET', '200'],
    ]);
  });

  it('keeps tuples apart that would collide if joined into one string', () => {
    const cache = new ChildCache<string[]>(2, (v) => v);
    assert.deepEqual(cache.get('a', 'b-c'), ['a', 'b-c']);
    assert.deepEqual(cache.get('a-b', 'c'), ['a-b', 'c']);
  });

  it('answers repeated and alternating tuples with their own child', () => {
    const cache = new ChildCache<string>(4, (v) => v.join('|'));
    for (let i = 0; i < 3; i++) {
      assert.equal(cache.get('api', 'web', 'GET', 200), 'api|web|GET|200');
      assert.equal(cache.get('api', 'web', 'GET', 200), 'api|web|GET|200');
      assert.equal(cache.get('api', 'web', 'GET', 503), 'api|web|GET|503');
      assert.equal(cache.get('api', 'web', 'GET', '200'), 'api|web|GET|200');
      assert.equal(cache.get('web', 'web', 'GET', 200), 'web|web|GET|200');
    }
    // A number and its string are two keys of the Map as of the last-hit check.
    const made: string[] = [];
    const c2 = new ChildCache<number>(1, (v) => made.push(v[0]!));
    assert.equal(c2.get(200), 1);
    assert.equal(c2.get('200'), 2);
    assert.equal(c2.get(200), 1);
  });

  it('supports depth 1 and 5 and refuses other depths', () => {
    assert.deepEqual(new ChildCache<string[]>(1, (v) => v).get('x'), ['x']);
    assert.deepEqual(new ChildCache<string[]>(5, (v) => v).get(1, 2, 3, 4, 5), ['1', '2', '3', '4', '5']);
    assert.throws(() => new ChildCache(0, () => 0), RangeError);
    assert.throws(() => new ChildCache(6, () => 0), RangeError);
  });
});
