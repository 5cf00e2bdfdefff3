import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem, validateConfig } from './index.js';

const lines = (raw: unknown) => {
  const r = validateConfig(raw, {});
  return r.ok ? [] : r.problems.map(formatProblem);
};
const pools = { web: { hosts: ['http://127.0.0.1:1'] } };

describe('TLS config checks', () => {
  it('resolves a TLS listener: Mozilla intermediate, TLS 1.2, HTTP/2 on, client certificates off', () => {
    const r = validateConfig({ listeners: [{ port: 8443, tls: { cert: 'c.pem', key: 'k.pem' } }] }, {});
    assert.ok(r.ok);
    const l = r.config.listeners[0]!;
    assert.equal(l.tls?.min_version, 'TLSv1.2');
    assert.match(l.tls?.ciphers ?? '', /^ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:/);
    assert.deepEqual([l.tls?.client_ca, l.tls?.client_auth, l.tls?.watch_interval], [null, 'none', 5000]);
    assert.deepEqual([l.http2.enabled, l.http2.max_concurrent_streams], [true, 100]);
    const ca = validateConfig(
      { listeners: [{ port: 1, tls: { cert: 'c', key: 'k', client_ca: 'ca' } }] },
      {},
    );
    assert.equal(ca.ok && ca.config.listeners[0]!.tls?.client_auth, 'required');
    const redirect = validateConfig({ listeners: [{ port: 80, redirect_https: true }] }, {});
    assert.deepEqual(redirect.ok && redirect.config.listeners[0]!.redirect_https, { port: 443 });
  });

  it('names each contradiction with its path and a fix', () => {
    assert.deepEqual(
      lines({
        listeners: [
          { name: 'a', port: 80, http2: { enabled: true } },
          { name: 'b', port: 443, tls: { cert: 'c', key: 'k' }, redirect_https: true },
          { name: 'c', port: 444, tls: { cert: 'c', key: 'k', client_auth: 'optional' } },
          { name: 'd', port: 445, tls: { cert: 'c', key: 'k', client_ca: 'ca', client_auth: 'none' } },
          {
            name: 'e',
            port: 446,
            tls: {
              cert: 'c',
              key: 'k',
              sni: [
                { names: ['x.example'], cert: 'c', key: 'k' },
                { names: ['X.example'], cert: 'c', key: 'k' },
              ],
            },
          },
        ],
      }),
      [
        'listeners[0].http2.enabled: http2 is enabled on a listener without tls; Keel serves HTTP/2 only over TLS (cleartext h2c is refused); fix: add tls: { cert, key } to this listener, or remove http2',
        'listeners[1].redirect_https: redirect_https is set on a TLS listener, which already serves https://; fix: put redirect_https on the plain-HTTP listener (e.g. port 80) and remove it here',
        'listeners[2].tls.client_auth: client_auth is "optional" but there is no client_ca to verify client certificates against; fix: add tls.client_ca: <CA file>, or remove client_auth',
        'listeners[3].tls.client_ca: client_ca is set but client_auth is "none": no client certificate is asked for; fix: set client_auth: required (or optional), or remove client_ca',
        'listeners[4].tls.sni[1].names: "x.example" is also served by tls.sni[0]; fix: list each SNI name under one certificate',
      ],
    );
  });

  it('checks SNI names, versions and HSTS preload rules', () => {
    assert.deepEqual(
      lines({
        listeners: [
          {
            port: 1,
            tls: {
              cert: 'c',
              key: 'k',
              min_version: 'TLSv1.1',
              sni: [{ names: ['a.example:443'], cert: 'c', key: 'k' }],
            },
          },
        ],
      }).map((l) => l.split(':')[0]),
      ['listeners[0].tls.sni[0].names[0]', 'listeners[0].tls.min_version'],
    );
    assert.deepEqual(lines({ pools, routes: [{ pool: 'web', hsts: { max_age: 600, preload: true } }] }), [
      'routes[0].hsts.preload: preload needs include_subdomains: true and max_age >= 31536000 (got no includeSubDomains, max_age 600); fix: set include_subdomains: true and max_age: 31536000 or more, or remove preload (RFC 6797 §6.1; hstspreload.org)',
    ]);
    assert.deepEqual(lines({ pools, routes: [{ pool: 'web', hsts: {} }] }), []);
  });
});
