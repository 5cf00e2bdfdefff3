import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHttpDate } from './http-date.js';

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  const at = Date.UTC(1994, 10, 6, 8, 49, 37);
  const now2024 = Date.UTC(2024, 0, 1);

  it('parses the three forms to the same instant', () => {
    assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', now2024), at);
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now2024), at);
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994', now2024), at);
  });

  it('reads a two-digit year more than 50 years ahead as the previous century', () => {
    // In 2024, "74" would be 2074 (exactly 50 years ahead: allowed); "75" would be 2075 → 1975.
    assert.equal(new Date(parseHttpDate('Monday, 01-Jan-74 00:00:00 GMT', now2024)!).getUTCFullYear(), 2074);
    assert.equal(new Date(parseHttpDate('Monday, 01-Jan-75 00:00:00 GMT', now2024)!).getUTCFullYear(), 1975);
    assert.equal(new Date(parseHttpDate('Monday, 01-Jan-25 00:00:00 GMT', now2024)!).getUTCFullYear(), 2025);
  });

  it('rejects impossible calendar dates and times', () => {
    assert.equal(parseHttpDate('Mon, 30 Feb 2023 00:00:00 GMT', now2024), undefined);
    assert.equal(parseHttpDate('Mon, 00 Jan 2023 00:00:00 GMT', now2024), undefined);
    assert.equal(parseHttpDate('Mon, 01 Jan 2023 12:60:00 GMT', now2024), undefined);
    assert.equal(parseHttpDate('Mon Feb 29 00:00:00 2023', now2024), undefined);
  });

  it('accepts Feb 29 in a leap year', () => {
    assert.equal(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT', now2024), Date.UTC(2024, 1, 29));
  });

  it('rejects what Date.parse would wrongly accept', () => {
    for (const v of [
      '1',
      'Tomorrow',
      '2024-01-01T00:00:00Z',
      'Sun, 06 Nov 1994 08:49:37 +0000',
      'sun, 06 nov 1994 08:49:37 gmt',
    ]) {
      assert.equal(parseHttpDate(v, now2024), undefined, v);
    }
  });
});
