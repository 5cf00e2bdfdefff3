import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpsLocation, redirectStatus } from './redirect.js';

describe('redirect_https', () => {
  it('keeps the host and target, swaps the port (none for 443)', () => {
    assert.equal(httpsLocation('shop.example', '/a?b=c', 443), 'https://shop.example/a?b=c');
    assert.equal(httpsLocation('shop.example:80', '/a', 443), 'https://shop.example/a');
    assert.equal(httpsLocation('shop.example:8080', '/', 8443), 'https://shop.example:8443/');
    assert.equal(httpsLocation('[::1]:80', '/x', 443), 'https://[::1]/x');
    assert.equal(httpsLocation('10.0.0.1', '/x', 443), 'https://10.0.0.1/x');
  });

  it('takes the authority of an absolute-form target (RFC 9112 §3.2.2)', () => {
    assert.equal(httpsLocation('ignored', 'http://shop.example/p?q', 443), 'https://shop.example/p?q');
  });

  it('refuses what is not an authority: nothing, spaces, paths, an asterisk target', () => {
    for (const host of ['', 'a b', 'a/b', 'a.example:port', '-a.example']) {
      assert.equal(httpsLocation(host, '/x', 443), null, JSON.stringify(host));
    }
    assert.equal(httpsLocation('a.example', '*', 443), null);
  });

  it('301 for GET and HEAD, 308 for the rest (RFC 9110 §15.4.9 keeps the method)', () => {
    assert.deepEqual(['GET', 'HEAD', 'POST', 'PUT', 'DELETE'].map(redirectStatus), [301, 301, 308, 308, 308]);
  });
});
