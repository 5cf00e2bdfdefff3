import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathOf, removeDotSegments, splitAbsoluteForm, stripPrefix } from './path.js';

describe('path helpers', () => {
  it('splits the query off', () => {
    assert.equal(pathOf('/a/b?x=1'), '/a/b');
    assert.equal(pathOf('/a'), '/a');
  });
  it('removes dot segments (RFC 3986 §5.2.4)', () => {
    assert.equal(removeDotSegments('/public/../admin'), '/admin');
    assert.equal(removeDotSegments('/a/./b'), '/a/b');
    assert.equal(removeDotSegments('/a/b/..'), '/a/');
    assert.equal(removeDotSegments('/../../x'), '/x');
    assert.equal(removeDotSegments('/a/.hidden'), '/a/.hidden');
  });
  it('strips a route prefix', () => {
    assert.equal(stripPrefix('/api/users?x=1', '/api'), '/users?x=1');
    assert.equal(stripPrefix('/api', '/api'), '/');
    assert.equal(stripPrefix('/api?x', '/api'), '/?x');
    assert.equal(stripPrefix('/api/users', '/api/'), '/users');
    assert.equal(stripPrefix('/x', '/'), '/x');
  });
  it('reads absolute-form targets', () => {
    assert.deepEqual(splitAbsoluteForm('http://h.test:81/p?q'), ['h.test:81', '/p?q']);
    assert.deepEqual(splitAbsoluteForm('http://h.test'), ['h.test', '/']);
    assert.deepEqual(splitAbsoluteForm('http://h.test?q'), ['h.test', '/?q']);
    assert.equal(splitAbsoluteForm('/p'), null);
  });
});
