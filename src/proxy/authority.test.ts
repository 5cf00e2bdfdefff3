import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normaliseAuthority, schemePort } from './authority.js';

describe('request authority (RFC 9110 §7.2, RFC 3986 §3.2.2)', () => {
  it('accepts registered names, IPv4 and bracketed IPv6, with an optional port', () => {
    for (const ok of [
      'a.example',
      'a',
      'a-b.c_d.e~f',
      '10.0.0.1',
      '10.0.0.1:8080',
      '[::1]',
      '[::1]:8443',
      'x:0',
    ]) {
      assert.equal(normaliseAuthority(ok, 80), ok, ok);
    }
  });

  it('normalises case, the default port, leading zeros and one trailing dot', () => {
    const cases: Array<[string, number, string]> = [
      ['A.Example', 80, 'a.example'],
      ['a.example:80', 80, 'a.example'],
      ['a.example:', 80, 'a.example'],
      ['a.example:0080', 80, 'a.example'],
      ['a.example:08080', 80, 'a.example:8080'],
      ['a.example.', 80, 'a.example'],
      ['A.Example.:80', 80, 'a.example'],
      ['a.example.:8080', 80, 'a.example:8080'],
      ['a.example:443', 443, 'a.example'],
      ['a.example:80', 443, 'a.example:80'],
      ['[FE80::1]:8443', 80, '[fe80::1]:8443'],
      ['[::1]:80', 80, '[::1]'],
    ];
    for (const [value, port, want] of cases) assert.equal(normaliseAuthority(value, port), want, value);
  });

  it('refuses anything that is not host[:port]', () => {
    const bad = [
      '',
      'x.test/static',
      'a@b',
      'user@a.example',
      'a b',
      'a\tb',
      '.a',
      'a..b',
      '.',
      ':80',
      'a:65536',
      'a:123456',
      'a:8x',
      'a:-1',
      'a:80:80',
      '[::1',
      '[::1]x',
      '[]',
      '[fe80::1%25eth0]',
      '[v1.x]',
      '[1.2.3.4]',
      'ä.example',
      'a,b',
      'a;b',
      'a=b',
      'a%2eb',
      'a\\b',
      'a?b',
      'a#b',
      'a\u0000b',
    ];
    for (const value of bad) assert.equal(normaliseAuthority(value, 80), null, JSON.stringify(value));
  });

  it('the common case returns the very same string (no allocation on the request path)', () => {
    const v = 'api.example.com';
    assert.equal(normaliseAuthority(v, 80), v);
  });

  it('is idempotent, and its output holds no character that could end a host inside a key or a list', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.constantFrom(80, 443), (s, port) => {
        const a = normaliseAuthority(s, port);
        if (a === null) return;
        assert.match(a, /^(\[[0-9a-f:.]+\]|[a-z0-9_~.-]+)(:\d{1,5})?$/);
        assert.ok(!a.endsWith('.'), a);
        assert.equal(normaliseAuthority(a, port), a);
      }),
      { numRuns: 2000 },
    );
  });

  it('maps two authorities to one value only when they name the same host and port', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?$/);
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
    const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
    const authority = fc.tuple(host, port, fc.boolean()).map(([h, p, dot]) => ({
      h,
      p,
      text: `${h}${dot ? '.' : ''}${p === undefined ? '' : `:${p}`}`,
    }));
    fc.assert(
      fc.property(authority, authority, (x, y) => {
        const same = x.h.toLowerCase() === y.h.toLowerCase() && (x.p ?? 80) === (y.p ?? 80);
        assert.equal(normaliseAuthority(x.text, 80) === normaliseAuthority(y.text, 80), same);
      }),
      { numRuns: 1000 },
    );
  });

  it("knows the default port of an absolute-form target's scheme", () => {
    assert.equal(schemePort('http://a/', 4), 80);
    assert.equal(schemePort('HTTPS://a/', 5), 443);
    assert.equal(schemePort('ftp://a/', 3), -1);
    assert.equal(schemePort('ws://a/', 2), -1);
  });
});
