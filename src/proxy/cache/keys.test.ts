import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { baseKey, baseKeyOfUrl, type KeyRules } from './keys.js';
import { parsePurge } from './purge.js';

const full: KeyRules = { query: 'full', headers: [] };

describe('cache keys name one (host, target) pair', () => {
  it('a host holding "/" cannot borrow a path: the concatenation collision is gone', () => {
    assert.notEqual(baseKey('x.test/static', '/x', full), baseKey('x.test', '/static/x', full));
    assert.notEqual(baseKey('a%2Fb', '/c', full), baseKey('a/b', '/c', full));
    // A validated authority is kept as it is: keys of ordinary requests do not change.
    assert.equal(baseKey('Shop.Example:8080', '/a?x=1', full), 'GET shop.example:8080/a?x=1');
  });

  it('is injective over any host string and any origin-form target (host compared case-insensitively)', () => {
    const host = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^[a-zA-Z0-9./%:-]{0,12}$/), // dense in the characters that matter
    );
    const target = fc
      .oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z/%?.]{0,12}$/))
      .map((t) => `/${t}`);
    fc.assert(
      fc.property(host, target, host, target, (h1, t1, h2, t2) => {
        const same = h1.toLowerCase() === h2.toLowerCase() && t1 === t2;
        assert.equal(baseKey(h1, t1, full) === baseKey(h2, t2, full), same, `${h1} ${t1} | ${h2} ${t2}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('a URL (purge, invalidation) gets the key its request stored: authority and path normalised alike', () => {
    assert.equal(baseKeyOfUrl('http://A.Example.:80/x/%2e%2e/b%41?q'), 'GET a.example/bA?q');
    assert.equal(baseKeyOfUrl('https://a.example:443/p'), 'GET a.example/p');
    assert.equal(baseKeyOfUrl('a.example:8080/p'), 'GET a.example:8080/p');
    assert.equal(baseKeyOfUrl('http://a,b/p'), undefined);
    assert.equal(baseKeyOfUrl('a.example/%zz'), undefined);
  });

  it('a purge prefix names whole hosts: "example.com" is never a prefix of another host\'s keys', () => {
    const p = parsePurge({ prefix: 'example.com' });
    assert.deepEqual(p, { prefix: 'example.com' });
    const prefix = baseKeyOfUrl('example.com')!;
    assert.ok(baseKey('example.com', '/a', full).startsWith(prefix));
    for (const other of ['example.com.evil', 'example.community', 'example.com:8080']) {
      assert.ok(!baseKey(other, '/a', full).startsWith(prefix), other);
    }
    assert.ok(baseKey('example.com', '/img/1', full).startsWith(baseKeyOfUrl('example.com/img/')!));
  });
});
