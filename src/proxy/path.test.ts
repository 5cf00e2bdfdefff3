import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalisePath, pathOf, removeDotSegments, splitAbsoluteForm, stripPrefix } from './path.js';

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

  it('decodes percent-encoded unreserved characters before removing dot segments (RFC 3986 §6.2.2)', () => {
    const cases: Array<[string, string | null]> = [
      ['/public/%2e%2e/ws/x', '/ws/x'],
      ['/public/%2E%2E/ws/x', '/ws/x'],
      ['/public/.%2e/ws/x', '/ws/x'],
      ['/public/%2e./ws/x', '/ws/x'],
      ['/a/%2e/b', '/a/b'],
      ['/%41%62%7e%5F%2D', '/Ab~_-'],
      ['/a%2Fb/../c', '/c'], // "a%2Fb" is one segment: %2F is data, not a separator
      ['/a%2fb', '/a%2Fb'],
      ['/a%2F..%2Fb', '/a%2F..%2Fb'],
      ['/%252e%252e/x', '/%252e%252e/x'], // decoded once: never "."
      ['/caf%c3%a9', '/caf%C3%A9'],
      ['/plain/path', '/plain/path'],
      ['/a%zz', null],
      ['/a%2', null],
      ['/a%', null],
      ['/%g0', null],
    ];
    for (const [path, want] of cases) assert.equal(normalisePath(path), want, path);
  });

  it('leaves no dot segment and no encoded unreserved character, and is idempotent', () => {
    const segment = fc.constantFrom(
      'a',
      'b',
      '.',
      '..',
      '%2e',
      '%2E',
      '.%2e',
      '%2e%2e',
      '%2F',
      '%41',
      'x%2fy',
      '~',
    );
    const path = fc.array(segment, { maxLength: 8 }).map((s) => `/${s.join('/')}`);
    fc.assert(
      fc.property(path, (p) => {
        const n = normalisePath(p);
        assert.ok(n !== null);
        assert.ok(n.startsWith('/'), n);
        assert.ok(!n.split('/').some((s) => s === '.' || s === '..'), n);
        assert.doesNotMatch(n, /%(2[dDeE]|4[1-9a-fA-F]|5[0-9aAfF]|6[1-9a-fA-F]|7[0-9aAeE]|3[0-9])/);
        assert.equal(normalisePath(n), n);
      }),
      { numRuns: 1000 },
    );
  });
});
