import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionTokens, HOP_BY_HOP, NameFilter } from './hop-by-hop.js';

describe('NameFilter', () => {
  const f = new NameFilter([...HOP_BY_HOP, 'via']);

  it('never misses a listed name, in any case', () => {
    for (const n of [...HOP_BY_HOP, 'via']) {
      assert.equal(f.mayMatch(n), true, n);
      assert.equal(f.mayMatch(n.toUpperCase()), true, n);
      assert.equal(f.mayMatch(n[0]!.toUpperCase() + n.slice(1)), true, n);
    }
  });

  it('rules out names of another length or first letter', () => {
    for (const n of ['Content-Type', 'Accept', 'Date', 'Server', 'x', '', 'Content-Length', '1e', '~te']) {
      assert.equal(f.mayMatch(n), false, n);
    }
    assert.equal(f.mayMatch('x'.repeat(300)), false);
    // A false positive is allowed (same length and letter): the caller compares in full.
    assert.equal(f.mayMatch('Cookie-Jar'), true);
  });

  it('refuses a listed name that does not start with a letter', () => {
    assert.throws(() => new NameFilter(['_x']), RangeError);
  });
});

describe('connectionTokens', () => {
  it('collects named fields, lower-cased, and skips the connection options', () => {
    assert.equal(connectionTokens('keep-alive', null), null);
    assert.deepEqual(
      [...(connectionTokens('Close, X-Foo , keep-alive,x-bar', null) ?? [])],
      ['x-foo', 'x-bar'],
    );
  });
});
