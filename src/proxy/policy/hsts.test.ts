import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hstsValue } from './hsts.js';

describe('Strict-Transport-Security value (RFC 6797 §6.1)', () => {
  it('max-age, then the directives that are on', () => {
    assert.equal(hstsValue({ max_age: 600, include_subdomains: false, preload: false }), 'max-age=600');
    assert.equal(
      hstsValue({ max_age: 31_536_000, include_subdomains: true, preload: true }),
      'max-age=31536000; includeSubDomains; preload',
    );
    assert.equal(
      hstsValue({ max_age: 0, include_subdomains: true, preload: false }),
      'max-age=0; includeSubDomains',
    );
  });
});
