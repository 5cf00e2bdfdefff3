/**
 * Client certificates (mTLS, docs/tls.md "Client certificates"): `client_auth: required`
 * refuses a handshake without a certificate from `client_ca`; `optional` serves a client with
 * none, but not one whose certificate does not verify. Over HTTP/1.1 and HTTP/2 alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'undici';
import { EventBus } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, type Upstream, upstreams } from './proxy-util.js';
import { handshake, type Pair, Pki, sendTls, type TestCa } from './tls-util.js';

const pki = new Pki();
let ups: Upstream[];
let gw: Gateway;
let clients: TestCa;
let stranger: Pair;
let member: Pair;
let required = 0;
let optional = 0;

before(async () => {
  ups = await upstreams(1);
  const server = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
  clients = pki.otherCa(); // client certificates come from their own CA
  member = clients.leaf('service-a', { usage: 'clientAuth' });
  stranger = pki.otherCa().leaf('intruder', { usage: 'clientAuth' });
  const tls = (mode: string) => ({
    cert: server.cert,
    key: server.key,
    client_ca: clients.cert,
    client_auth: mode,
  });
  gw = createGateway(
    makeConfig({
      listeners: [
        { name: 'required', host: '127.0.0.1', port: 0, tls: tls('required') },
        { name: 'optional', host: '127.0.0.1', port: 0, tls: tls('optional') },
      ],
      pools: { web: { hosts: [ups[0]!.url] } },
      routes: [{ pool: 'web' }],
    }),
    'v1',
    { bus: new EventBus() },
  );
  const addrs = await gw.listen();
  required = addrs[0]!.port;
  optional = addrs[1]!.port;
});

after(async () => {
  await gw?.close();
  for (const u of ups ?? []) await u.close();
  pki.close();
});

describe('client_auth: required', () => {
  it('serves a client whose certificate the client CA signed', async () => {
    const r = await sendTls(required, '/x', { ca: pki.ca.cert, ...member });
    assert.equal(r.status, 200, r.error);
  });

  it('refuses a client without a certificate, and one from another CA', async () => {
    const none = await handshake(required, { ca: pki.ca.cert });
    assert.equal(none.ok, false);
    const foreign = await handshake(required, { ca: pki.ca.cert, ...stranger });
    assert.equal(foreign.ok, false);
    assert.equal((await sendTls(required, '/x', { ca: pki.ca.cert })).status, 0);
  });

  it('applies to HTTP/2 too', async () => {
    const { readFileSync } = await import('node:fs');
    const c = new Client(`https://127.0.0.1:${required}`, {
      allowH2: true,
      connect: {
        ca: readFileSync(pki.ca.cert),
        servername: 'localhost',
        cert: readFileSync(member.cert),
        key: readFileSync(member.key),
      },
    });
    try {
      const res = await c.request({ path: '/x', method: 'GET' });
      await res.body.text();
      assert.equal(res.statusCode, 200);
    } finally {
      await c.close();
    }
  });
});

describe('client_auth: optional', () => {
  it('serves a client without a certificate and one with a valid certificate', async () => {
    assert.equal((await sendTls(optional, '/x', { ca: pki.ca.cert })).status, 200);
    assert.equal((await sendTls(optional, '/x', { ca: pki.ca.cert, ...member })).status, 200);
  });

  it('closes the connection of a client whose certificate does not verify', async () => {
    const r = await sendTls(optional, '/x', { ca: pki.ca.cert, ...stranger });
    assert.equal(r.status, 0);
    assert.notEqual(r.error, '');
  });

  it('is shown in GET /api/v1/tls', () => {
    assert.deepEqual(
      gw.tls().map((v) => [v.listener, v.client_auth]),
      [
        ['required', 'required'],
        ['optional', 'optional'],
      ],
    );
  });
});
