import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cacheKey, normaliseField, secondaryKey, varyFields, varyMatches } from './vary.js';

describe('Vary secondary keys (RFC 9111 §4.1)', () => {
  it('lists fields lower-cased, deduplicated and sorted', () => {
    assert.deepEqual(
      varyFields({ status: 200, headers: { vary: 'Accept-Encoding, accept-encoding , User-Agent' } }),
      ['accept-encoding', 'user-agent'],
    );
    assert.equal(varyFields({ status: 200, headers: { vary: ['Accept', '*'] } }), '*');
    assert.deepEqual(varyFields({ status: 200, headers: {} }), []);
  });
  it('normalises duplicates, whitespace and case for case-insensitive fields', () => {
    const a = normaliseField('accept-encoding', { 'accept-encoding': ['GZIP ,  br', 'deflate'] });
    const b = normaliseField('accept-encoding', { 'accept-encoding': 'gzip,br,deflate' });
    assert.equal(a, b);
    assert.equal(normaliseField('accept', { accept: 'text/html ; q=0.9' }), 'text/html;q=0.9');
    // Case is kept where the field is case-sensitive.
    assert.notEqual(
      normaliseField('x-token', { 'x-token': 'A' }),
      normaliseField('x-token', { 'x-token': 'a' }),
    );
  });
  it('matches an absent field only with an absent one', () => {
    const fields = ['accept-encoding'];
    const stored = secondaryKey(fields, {});
    assert.equal(varyMatches(fields, stored, {}), true);
    assert.equal(varyMatches(fields, stored, { 'accept-encoding': '' }), false);
    assert.equal(varyMatches(fields, stored, { 'accept-encoding': 'gzip' }), false);
  });
  it('never matches Vary: *', () => {
    assert.equal(secondaryKey('*', {}), null);
    assert.equal(varyMatches('*', null, {}), false);
  });
  it('never throws on any field value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (v, name) => {
        varyFields({ status: 200, headers: { vary: v } });
        secondaryKey([name.toLowerCase()], { [name.toLowerCase()]: v });
      }),
    );
  });
});

describe('primary cache key', () => {
  it('maps HEAD to GET and lower-cases the authority', () => {
    assert.equal(cacheKey('HEAD', 'Example.COM:8080', '/a?x=1'), 'GET example.com:8080/a?x=1');
    assert.equal(cacheKey('GET', 'a', '/p?b=2&a=1', { query: 'sorted' }), 'GET a/p?a=1&b=2');
    assert.equal(cacheKey('GET', 'a', '/p?b=2', { query: 'ignore' }), 'GET a/p');
    assert.equal(cacheKey('GET', 'a', '/p?b=2'), 'GET a/p?b=2');
  });
});
