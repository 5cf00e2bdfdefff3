import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h1Fields } from './h2-messages.js';

describe('an HTTP/2 request in HTTP/1 form (h1Fields)', () => {
  it('drops pseudo-header fields and puts :authority first as Host (RFC 9113 §8.3.1)', () => {
    const raw = [
      ':method',
      'GET',
      ':scheme',
      'https',
      ':authority',
      'a.example',
      ':path',
      '/x',
      'accept',
      '*/*',
    ];
    assert.deepEqual(h1Fields(raw, true), ['host', 'a.example', 'accept', '*/*']);
  });

  it('keeps one Host when both name the same authority, and both when they differ (the scan refuses two)', () => {
    assert.deepEqual(h1Fields([':authority', 'a.example', 'host', 'a.example'], true), ['host', 'a.example']);
    assert.deepEqual(h1Fields([':authority', 'a.example', 'host', 'b.example'], true), [
      'host',
      'a.example',
      'host',
      'b.example',
    ]);
    assert.deepEqual(h1Fields(['host', 'c.example'], true), ['host', 'c.example']);
  });

  it('joins Cookie fields with "; " (RFC 9113 §8.2.3)', () => {
    assert.deepEqual(h1Fields([':authority', 'a', 'cookie', 'a=1', 'x-y', 'z', 'cookie', 'b=2'], true), [
      'host',
      'a',
      'x-y',
      'z',
      'cookie',
      'a=1; b=2',
    ]);
  });

  it('marks a body of unknown length as chunked, so it is counted as it streams (RFC 9113 §8.1)', () => {
    assert.deepEqual(h1Fields([':authority', 'a'], false), ['host', 'a', 'transfer-encoding', 'chunked']);
    assert.deepEqual(h1Fields([':authority', 'a', 'content-length', '5'], false), [
      'host',
      'a',
      'content-length',
      '5',
    ]);
    assert.deepEqual(h1Fields([':authority', 'a'], true), ['host', 'a'], 'END_STREAM on HEADERS: no body');
  });
});
