/**
 * TLS termination (docs/tls.md): certificates chosen by SNI, the default TLS versions and
 * ciphers, X-Forwarded-Proto, HSTS only over TLS, redirect_https, and client certificates.
 * Real certificates from the test's own CA (tls-util.ts), real sockets on port 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MOZILLA_INTERMEDIATE_CIPHERS } from '../../src/config/defaults.js';
import { EventBus } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, raw, send, type Upstream, upstreams } from './proxy-util.js';
import { fingerprint, handshake, type Pair, Pki, sendTls } from './tls-util.js';

const pki = new Pki();
let ups: Upstream[];
let def: Pair;
let a: Pair;
let wild: Pair;
let gw: Gateway;
let tlsPort = 0;
let plainPort = 0;
let redirectPort = 0;
const cleanupSockets: Array<{ destroy(): void }> = [];

function listeners(): Record<string, unknown>[] {
  return [
    {
      name: 'secure',
      host: '127.0.0.1',
      port: 0,
      tls: {
        cert: def.cert,
        key: def.key,
        // The second entry names no SNI names: they come from the certificate.
        sni: [
          { names: ['a.example'], cert: a.cert, key: a.key },
          { cert: wild.cert, key: wild.key },
        ],
      },
    },
    { name: 'plain', host: '127.0.0.1', port: 0 },
    { name: 'redirect', host: '127.0.0.1', port: 0, redirect_https: { port: 8443 } },
  ];
}

before(async () => {
  ups = await upstreams(1, (req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'text/plain',
      'x-seen-proto': String(req.headers['x-forwarded-proto']),
      'x-seen-host': String(req.headers.host),
      'cache-control': 'max-age=60',
    });
    res.end('ok');
  });
  // WebSocket over TLS (wss://): the upstream accepts any upgrade and echoes what it gets.
  ups[0]!.server.on('upgrade', (req, socket: import('node:stream').Duplex) => {
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n' +
        `x-seen-proto: ${String(req.headers['x-forwarded-proto'])}\r\n\r\n`,
    );
    socket.pipe(socket);
    cleanupSockets.push(socket);
  });
  def = pki.ca.leaf('localhost', { dns: ['localhost'], ip: ['127.0.0.1'] });
  a = pki.ca.leaf('a.example');
  wild = pki.ca.leaf('wild.b.example', { dns: ['*.b.example'] });
  const config = makeConfig({
    listeners: listeners(),
    pools: {
      web: { hosts: [ups[0]!.url] },
      // Port 1 on loopback: nothing listens, every connect is refused.
      down: {
        hosts: ['http://127.0.0.1:1'],
        health: { outlier: { enabled: false } },
        breaker: { enabled: false },
      },
    },
    routes: [
      {
        name: 'down',
        match: { path_prefix: '/down' },
        pool: 'down',
        retry: { enabled: false },
        hsts: { max_age: 600 },
      },
      { name: 'cached', match: { path_prefix: '/cached' }, pool: 'web', cache: {}, hsts: { max_age: 600 } },
      {
        name: 'secure-site',
        match: { path_prefix: '/' },
        pool: 'web',
        hsts: { max_age: 31536000, include_subdomains: true, preload: true },
      },
    ],
  });
  gw = createGateway(config, 'v1', { bus: new EventBus() });
  const addrs = await gw.listen();
  tlsPort = addrs[0]!.port;
  plainPort = addrs[1]!.port;
  redirectPort = addrs[2]!.port;
});

after(async () => {
  for (const s of cleanupSockets) s.destroy();
  await gw?.close();
  for (const u of ups ?? []) await u.close();
  pki.close();
});

describe('TLS listener: certificates by SNI (RFC 6066 §3)', () => {
  it('serves the certificate whose name the client asks for, a wildcard for one label, else the default', async () => {
    const cases: Array<[string | undefined, string]> = [
      ['a.example', a.cert],
      ['x.b.example', wild.cert],
      ['A.EXAMPLE', a.cert], // names compare case-insensitively
      ['y.x.b.example', def.cert], // a wildcard covers exactly one label
      ['b.example', def.cert],
      ['unknown.example', def.cert],
      [undefined, def.cert], // no SNI at all (an IP address)
    ];
    for (const [servername, cert] of cases) {
      const h = await handshake(tlsPort, servername ? { servername } : {});
      assert.equal(h.ok, true, `${servername}: ${h.error}`);
      assert.equal(h.fingerprint, fingerprint(cert), `certificate for ${servername ?? '(no SNI)'}`);
    }
  });

  it('verifies end to end: a client trusting the test CA gets an answer under each name', async () => {
    for (const servername of ['a.example', 'x.b.example', 'localhost']) {
      const r = await sendTls(tlsPort, '/hello', { servername, ca: pki.ca.cert });
      assert.equal(r.status, 200, `${servername}: ${r.error}`);
    }
  });

  it('lists what it serves for GET /api/v1/tls: names, expiry, files', () => {
    const [view] = gw.tls();
    assert.equal(view?.listener, 'secure');
    assert.deepEqual(
      view?.certificates.map((c) => [c.path, c.default, c.names]),
      [
        ['listeners[0].tls', true, ['localhost']],
        ['listeners[0].tls.sni[0]', false, ['a.example']],
        ['listeners[0].tls.sni[1]', false, ['*.b.example']],
      ],
    );
    const days = (view?.certificates[0]?.expires_in_seconds ?? 0) / 86_400;
    assert.ok(days > 29 && days <= 30, `expires in ${days} days`);
    assert.equal(view?.last_problem, null);
  });
});

describe('TLS listener: versions and ciphers (Mozilla "intermediate")', () => {
  it('accepts TLS 1.3 and 1.2, refuses anything older', async () => {
    const v13 = await handshake(tlsPort, { servername: 'a.example' });
    assert.equal(v13.protocol, 'TLSv1.3');
    const v12 = await handshake(tlsPort, { servername: 'a.example', maxVersion: 'TLSv1.2' });
    assert.equal(v12.protocol, 'TLSv1.2');
    const v11 = await handshake(tlsPort, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    assert.equal(v11.ok, false);
  });

  it('negotiates a TLS 1.2 cipher of the profile only', async () => {
    const { connect } = await import('node:tls');
    for (const offered of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305']) {
      const cipher = await new Promise<string>((resolve) => {
        const s = connect({
          port: tlsPort,
          host: '127.0.0.1',
          rejectUnauthorized: false,
          maxVersion: 'TLSv1.2',
          ciphers: offered,
        });
        s.once('secureConnect', () => {
          resolve(s.getCipher().standardName ? s.getCipher().name : '');
          s.destroy();
        });
        s.once('error', () => resolve(''));
      });
      assert.equal(cipher, offered);
      assert.ok(MOZILLA_INTERMEDIATE_CIPHERS.split(':').includes(cipher));
    }
    const weak = await new Promise<string>((resolve) => {
      const s = connect({
        port: tlsPort,
        host: '127.0.0.1',
        rejectUnauthorized: false,
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-ECDSA-AES128-SHA',
      });
      s.once('secureConnect', () => {
        resolve('connected');
        s.destroy();
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.notEqual(weak, 'connected', 'a CBC cipher outside the profile is refused');
  });
});

describe('TLS listener: what the upstream and the client are told', () => {
  it("drops https's default port from the authority on a TLS listener, http's on a plain one", async () => {
    const secure = await sendTls(tlsPort, '/p', { ca: pki.ca.cert, headers: { host: 'Shop.Example:443' } });
    assert.equal(secure.headers['x-seen-host'], 'shop.example');
    const plain = await send(`http://127.0.0.1:${plainPort}/p`, { headers: { host: 'shop.example:80' } });
    assert.equal(plain.headers['x-seen-host'], 'shop.example');
    const other = await sendTls(tlsPort, '/p', { ca: pki.ca.cert, headers: { host: 'shop.example:80' } });
    assert.equal(other.headers['x-seen-host'], 'shop.example:80', "80 is not https's default");
  });

  it('sends X-Forwarded-Proto: https upstream from a TLS listener, http from a plain one', async () => {
    const secure = await sendTls(tlsPort, '/p', { ca: pki.ca.cert });
    assert.equal(secure.headers['x-seen-proto'], 'https');
    const plain = await send(`http://127.0.0.1:${plainPort}/p`);
    assert.equal(plain.headers['x-seen-proto'], 'http');
  });

  it('adds Strict-Transport-Security over TLS only (RFC 6797 §7.2), with the route options', async () => {
    const secure = await sendTls(tlsPort, '/p', { ca: pki.ca.cert });
    assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains; preload');
    const plain = await send(`http://127.0.0.1:${plainPort}/p`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['strict-transport-security'], undefined);
  });

  it('puts HSTS on cache hits too (the raw hit steps aside), and on Keel error answers of the route', async () => {
    const first = await sendTls(tlsPort, '/cached/x', { ca: pki.ca.cert });
    const hit = await sendTls(tlsPort, '/cached/x', { ca: pki.ca.cert });
    assert.match(String(hit.headers['cache-status']), /hit/);
    assert.equal(first.headers['strict-transport-security'], 'max-age=600');
    assert.equal(hit.headers['strict-transport-security'], 'max-age=600');
    // The plain listener's answers are keyed by its own Host (another port): a miss, then a hit.
    await send(`http://127.0.0.1:${plainPort}/cached/x`);
    const plainHit = await send(`http://127.0.0.1:${plainPort}/cached/x`);
    assert.match(String(plainHit.headers['cache-status']), /hit/);
    assert.equal(plainHit.headers['strict-transport-security'], undefined);
    const down = await sendTls(tlsPort, '/down/x', { ca: pki.ca.cert });
    assert.equal(down.status, 502);
    assert.equal(down.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_CONNECT');
    assert.equal(down.headers['strict-transport-security'], 'max-age=600');
  });
});

describe('WebSocket over TLS (wss://)', () => {
  it('passes the upgrade through with X-Forwarded-Proto: https, then bytes both ways', async () => {
    const { connect } = await import('node:tls');
    const { readFileSync } = await import('node:fs');
    const s = connect({
      host: '127.0.0.1',
      port: tlsPort,
      servername: 'localhost',
      ca: readFileSync(pki.ca.cert),
    });
    cleanupSockets.push(s);
    await new Promise((r) => s.once('secureConnect', r));
    s.write(
      'GET /chat HTTP/1.1\r\nhost: localhost\r\nupgrade: websocket\r\nconnection: upgrade\r\n' +
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
    );
    let got = '';
    await new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.includes('\r\n\r\n') && !got.includes('ping')) s.write('ping');
        if (got.endsWith('ping')) resolve();
      });
    });
    assert.match(got, /^HTTP\/1\.1 101 /);
    assert.match(got, /x-seen-proto: https/);
    s.destroy();
  });
});

describe('redirect_https on a plain listener', () => {
  it('answers GET and HEAD with 301, other methods with 308, to the same host and target on the https port', async () => {
    const get = await send(`http://127.0.0.1:${redirectPort}/a/b?c=d`, {
      headers: { host: 'shop.example:80' },
    });
    assert.equal(get.status, 301);
    assert.equal(get.headers.location, 'https://shop.example:8443/a/b?c=d');
    const head = await send(`http://127.0.0.1:${redirectPort}/`, {
      method: 'HEAD',
      headers: { host: 'shop.example' },
    });
    assert.equal(head.status, 301);
    const post = await send(`http://127.0.0.1:${redirectPort}/form`, {
      method: 'POST',
      headers: { host: 'shop.example' },
      body: 'a=1',
    });
    assert.equal(post.status, 308, 'RFC 9110 §15.4.9: the method and body are kept');
    assert.equal(post.headers.location, 'https://shop.example:8443/form');
    assert.equal(ups[0]!.hits > 0, true);
  });

  it('proxies nothing in clear text, and refuses a request without a usable authority', async () => {
    const before = ups[0]!.hits;
    await send(`http://127.0.0.1:${redirectPort}/x`, { headers: { host: 'shop.example' } });
    assert.equal(ups[0]!.hits, before);
    const noHost = await raw(redirectPort, 'GET /x HTTP/1.0\r\n\r\n');
    assert.match(noHost, /^HTTP\/1\.1 400 /);
    const bad = await send(`http://127.0.0.1:${redirectPort}/x`, { headers: { host: 'a b' } });
    assert.equal(bad.status, 400);
  });

  it('redirects a WebSocket handshake (ws://) and closes the socket', async () => {
    const out = await raw(
      redirectPort,
      'GET /chat HTTP/1.1\r\nhost: chat.example\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n',
    );
    assert.match(out, /^HTTP\/1\.1 301 /);
    assert.match(out, /location: https:\/\/chat\.example:8443\/chat/);
  });
});

describe('no cleartext HTTP/2 (h2c)', () => {
  it('a plain listener answers an HTTP/2 prior-knowledge preface with 400 and closes', async () => {
    const out = await raw(plainPort, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 400 /);
  });

  it('an "HTTP/2.0" request line on an HTTP/1.1 TLS connection gets 505', async () => {
    const { connect } = await import('node:tls');
    const { readFileSync } = await import('node:fs');
    const s = connect({
      host: '127.0.0.1',
      port: tlsPort,
      servername: 'localhost',
      ca: readFileSync(pki.ca.cert),
    });
    cleanupSockets.push(s);
    await new Promise((r) => s.once('secureConnect', r));
    s.write('GET /p HTTP/2.0\r\nhost: localhost\r\n\r\n');
    const head = await new Promise<string>((resolve) =>
      s.once('data', (d: Buffer) => resolve(d.toString('latin1'))),
    );
    assert.match(head, /^HTTP\/1\.1 505 /);
    assert.match(head, /x-keel-error: KEEL_ERR_HTTP_VERSION/);
    s.destroy();
  });

  it('the TLS listener offers h2 then http/1.1 through ALPN (RFC 7301)', async () => {
    assert.equal((await handshake(tlsPort, { alpn: ['h2', 'http/1.1'] })).alpn, 'h2');
    assert.equal((await handshake(tlsPort, { alpn: ['http/1.1'] })).alpn, 'http/1.1');
    assert.equal((await handshake(tlsPort, {})).alpn, false); // no ALPN: HTTP/1.1
  });
});
