import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntry, encodeEntry, globEscape } from './codec.js';
import { sampleEntry } from './contract.test-util.js';

describe('cache entry codec', () => {
  it('round-trips an entry, body bytes untouched', () => {
    const e = sampleEntry(11, 4096);
    assert.deepEqual(decodeEntry(encodeEntry(e)), e);
  });

  it('treats foreign or truncated values as a miss', () => {
    const good = encodeEntry(sampleEntry(1));
    assert.equal(decodeEntry(Buffer.from('')), undefined);
    assert.equal(decodeEntry(Buffer.from('not an entry at all')), undefined);
    assert.equal(decodeEntry(good.subarray(0, 20)), undefined);
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]);
    assert.equal(decodeEntry(notJson), undefined);
    const wrongShape = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{}')]);
    assert.equal(decodeEntry(wrongShape), undefined);
  });

  it('escapes Redis glob characters', () => {
    assert.equal(globEscape('a*b?c[d]e\\f'), 'a\\*b\\?c\\[d\\]e\\\\f');
  });
});
