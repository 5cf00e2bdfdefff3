import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hash32 } from './hash.js';
import { cookieValue, extractHashKey, hashKeyExtractor } from './hash-key.js';

const popcount = (x: number): number => {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
};

describe('hash32', () => {
  it('is a stable unsigned 32-bit value', () => {
    assert.equal(hash32('user-1'), hash32('user-1'));
    fc.assert(
      fc.property(fc.string(), (s) => {
        const h = hash32(s);
        assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
      }),
    );
  });

  it('avalanches: changing the last character flips about half the bits', () => {
    let flipped = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) flipped += popcount(hash32(`key-${i}a`) ^ hash32(`key-${i}b`));
    const mean = flipped / n;
    assert.ok(mean > 15 && mean < 17, `mean flipped bits ${mean}`);
  });

  it('fills 16 buckets evenly from sequential keys', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const b = hash32(`user-${i}`) >>> 28;
      buckets[b] = buckets[b]! + 1;
    }
    for (const c of buckets) assert.ok(c > 850 && c < 1150, `bucket ${c}`);
  });
});

describe('cookieValue (RFC 6265 §4.2.1)', () => {
  it('finds a cookie among others', () => {
    assert.equal(cookieValue('a=1; sid=abc; b=2', 'sid'), 'abc');
    assert.equal(cookieValue('sid=abc', 'sid'), 'abc');
    assert.equal(cookieValue('a=1;sid=abc', 'sid'), 'abc');
  });

  it('matches the whole name, case-sensitively', () => {
    assert.equal(cookieValue('xsid=1; sidx=2; SID=3', 'sid'), undefined);
    assert.equal(cookieValue('xsid=1; sidx=2; sid=3', 'sid'), '3');
  });

  it('tolerates whitespace, unwraps quotes, takes the first match', () => {
    assert.equal(cookieValue('  sid =  abc  ;b=2', 'sid'), 'abc');
    assert.equal(cookieValue('sid="abc"', 'sid'), 'abc');
    assert.equal(cookieValue('sid=first; sid=second', 'sid'), 'first');
    assert.equal(cookieValue('sid=a=b', 'sid'), 'a=b');
  });

  it('returns undefined when the cookie is absent or empty', () => {
    assert.equal(cookieValue('', 'sid'), undefined);
    assert.equal(cookieValue('sid', 'sid'), undefined);
    assert.equal(cookieValue('sid=', 'sid'), undefined);
    assert.equal(cookieValue('sid=""', 'sid'), undefined);
    assert.equal(cookieValue('a=1; b=2', 'sid'), undefined);
  });

  it('finds any cookie of a serialized jar (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(token, token), { minLength: 1, maxLength: 8, selector: (p) => p[0] }),
        (jar) => {
          const header = jar.map(([n, v]) => `${n}=${v}`).join('; ');
          for (const [n, v] of jar) assert.equal(cookieValue(header, n), v);
        },
      ),
    );
  });
});

describe('extractHashKey / hashKeyExtractor', () => {
  const headers = { 'x-tenant': 'acme', cookie: 'a=1; session=s-42', 'x-multi': ['p', 'q'], 'x-empty': '' };

  it('reads a header (name case-insensitive; repeated fields combined; empty is no key)', () => {
    assert.equal(extractHashKey({ header: 'X-Tenant' }, headers, '/'), 'acme');
    assert.equal(extractHashKey({ header: 'x-multi' }, headers, '/'), 'p, q');
    assert.equal(extractHashKey({ header: 'x-empty' }, headers, '/'), undefined);
    assert.equal(extractHashKey({ header: 'x-none' }, headers, '/'), undefined);
  });

  it('reads a cookie, also from repeated Cookie fields', () => {
    assert.equal(extractHashKey({ cookie: 'session' }, headers, '/'), 's-42');
    assert.equal(extractHashKey({ cookie: 'session' }, { cookie: ['a=1', 'session=x'] }, '/'), 'x');
    assert.equal(extractHashKey({ cookie: 'session' }, {}, '/'), undefined);
  });

  it('reads the path without its query', () => {
    assert.equal(extractHashKey({ path: true }, {}, '/users/7?tab=1'), '/users/7');
    assert.equal(extractHashKey({ path: true }, {}, '/users/7'), '/users/7');
  });

  it('the setup-time extractor agrees with extractHashKey', () => {
    for (const hk of [{ header: 'X-Tenant' }, { cookie: 'session' }, { path: true }, {}]) {
      assert.equal(hashKeyExtractor(hk)(headers, '/p?q'), extractHashKey(hk, headers, '/p?q'));
    }
  });
});
