/**
 * HTTPS upstreams (docs/tls.md, "HTTPS upstreams"): https:// hosts verified against the pool's CA
 * file or the system store, SNI from the host name or tls.servername, a client certificate when
 * the upstream asks for one, health checks over TLS, connections reused, and a certificate that
 * does not verify refused with KEEL_ERR_UPSTREAM_TLS.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { validateConfig } from '../../src/config/index.js';
import { EventBus, type HealthChangedEvent } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, send, waitFor } from './proxy-util.js';
import { type Pair, Pki, type TestCa } from './tls-util.js';

const pki = new Pki();
const cleanup: Array<() => Promise<void> | void> = [];

/** An HTTPS upstream: counts handshakes, and answers with the SNI name and client certificate it saw. */
class TlsUpstream {
  readonly server: Server;
  handshakes = 0;
  hits = 0;
  port = 0;

  constructor(pair: Pair, client?: { ca: string; maxVersion?: 'TLSv1.2' }) {
    this.server = createServer(
      {
        cert: readFileSync(pair.cert),
        key: readFileSync(pair.key),
        ...(client ? { ca: readFileSync(client.ca), requestCert: true, rejectUnauthorized: true } : {}),
        ...(client?.maxVersion ? { maxVersion: client.maxVersion } : {}),
      },
      (req, res) => {
        this.hits++;
        const s = req.socket as TLSSocket;
        const peer = s.getPeerCertificate();
        res.writeHead(200, {
          'x-sni': String(s.servername),
          'x-client-cn': String(peer?.subject?.CN ?? ''),
        });
        res.end('secure');
      },
    );
    this.server.keepAliveTimeout = 30_000;
    this.server.on('secureConnection', () => this.handshakes++);
  }

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          this.server.close(() => r());
          this.server.closeAllConnections();
        }),
    );
    return this;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }
}

let good: TlsUpstream;
let expired: TlsUpstream;
let mutual: TlsUpstream;
let mutual12: TlsUpstream;
let clientCa: TestCa;
let clientPair: Pair;

before(async () => {
  const names = { dns: ['api.internal', 'localhost'], ip: ['127.0.0.1'] };
  good = await new TlsUpstream(pki.ca.leaf('api.internal', names)).listen();
  expired = await new TlsUpstream(
    pki.ca.leaf('api.internal', {
      ...names,
      notBefore: Date.UTC(2020, 0, 1),
      notAfter: Date.UTC(2020, 1, 1),
    }),
  ).listen();
  clientCa = pki.otherCa();
  clientPair = clientCa.leaf('keel-gateway', { usage: 'clientAuth' });
  mutual = await new TlsUpstream(pki.ca.leaf('api.internal', names), { ca: clientCa.cert }).listen();
  mutual12 = await new TlsUpstream(pki.ca.leaf('api.internal', names), {
    ca: clientCa.cert,
    maxVersion: 'TLSv1.2',
  }).listen();
});

after(async () => {
  for (const c of cleanup.reverse()) await c();
  pki.close();
});

async function gateway(
  pools: Record<string, unknown>,
  bus = new EventBus(),
): Promise<{ gw: Gateway; url: string }> {
  const names = Object.keys(pools);
  const gw = createGateway(
    makeConfig({
      pools,
      routes: names.map((p) => ({
        name: p,
        match: { path_prefix: `/${p}` },
        pool: p,
        retry: { enabled: false },
      })),
    }),
    'v1',
    { bus },
  );
  const [addr] = await gw.listen();
  cleanup.push(() => gw.close());
  return { gw, url: `http://127.0.0.1:${addr!.port}` };
}

const quiet = { health: { outlier: { enabled: false } }, breaker: { enabled: false } };

describe('HTTPS upstreams', () => {
  it('verifies the host against the pool CA file, sends SNI, and reuses the connection', async () => {
    const { url } = await gateway({
      ca: { hosts: [`https://localhost:${good.port}`], tls: { ca: pki.ca.cert }, ...quiet },
      named: { hosts: [good.url], tls: { ca: pki.ca.cert, servername: 'api.internal' }, ...quiet },
    });
    const before = good.handshakes;
    for (let i = 0; i < 5; i++) {
      const r = await send(`${url}/ca/x`);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, 'secure');
      assert.equal(r.headers['x-sni'], 'localhost', 'SNI from the host name (RFC 6066 §3)');
    }
    assert.equal(good.handshakes - before, 1, 'one TLS connection for five requests');
    const named = await send(`${url}/named/x`);
    assert.equal(named.status, 200);
    assert.equal(named.headers['x-sni'], 'api.internal', 'tls.servername replaces it');
  });

  it('refuses a certificate that does not verify: unknown CA, wrong name, expired — 502 KEEL_ERR_UPSTREAM_TLS', async () => {
    const { url } = await gateway({
      system: { hosts: [good.url], ...quiet }, // the test CA is not in the system store
      wrongname: { hosts: [good.url], tls: { ca: pki.ca.cert, servername: 'other.example' }, ...quiet },
      expired: { hosts: [expired.url], tls: { ca: pki.ca.cert }, ...quiet },
      plain: { hosts: [`https://127.0.0.1:${(await plainPort()).port}`], tls: { ca: pki.ca.cert }, ...quiet },
    });
    for (const p of ['system', 'wrongname', 'expired', 'plain']) {
      const r = await send(`${url}/${p}/x`);
      assert.equal(r.status, 502, `${p}: ${r.body}`);
      assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_TLS', p);
    }
  });

  it('presents the pool client certificate to an upstream that requires one', async () => {
    const { url } = await gateway({
      with: {
        hosts: [mutual.url],
        tls: { ca: pki.ca.cert, cert: clientPair.cert, key: clientPair.key },
        ...quiet,
      },
      without: { hosts: [mutual.url], tls: { ca: pki.ca.cert }, ...quiet },
      without12: { hosts: [mutual12.url], tls: { ca: pki.ca.cert }, ...quiet },
    });
    const ok = await send(`${url}/with/x`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-client-cn'], 'keel-gateway');
    const refused = await send(`${url}/without12/x`);
    assert.equal(refused.status, 502);
    assert.equal(
      refused.headers['x-keel-error'],
      'KEEL_ERR_UPSTREAM_TLS',
      'TLS 1.2: refused in the handshake',
    );
    // TLS 1.3 (RFC 8446 §4.4.2.4): the server refuses after the client's Finished, when the request is
    // already written; undici reports the closed socket, not the alert (docs/tls.md says so).
    const late = await send(`${url}/without/x`);
    assert.equal(late.status, 502);
    assert.equal(late.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_RESET');
  });

  it('health-checks over TLS: a verified host stays healthy, one that does not verify turns unhealthy', async () => {
    const bus = new EventBus();
    const changed: HealthChangedEvent[] = [];
    bus.on('health.changed', (e) => changed.push(e));
    // Generous timeouts: a TLS handshake on a busy machine must not fail the trusted host's checks.
    const active = {
      path: '/healthz',
      interval: 300,
      timeout: 250,
      unhealthy_threshold: 2,
      healthy_threshold: 1,
    };
    const { gw } = await gateway(
      {
        trusted: { hosts: [good.url], tls: { ca: pki.ca.cert }, health: { active } },
        untrusted: { hosts: [good.url], tls: { ca: clientCa.cert }, health: { active } },
      },
      bus,
    );
    await waitFor(
      () => changed.some((e) => e.pool === 'untrusted' && !e.healthy),
      'the untrusted host to fail',
      10_000,
    );
    const hits = good.hits;
    await waitFor(() => good.hits >= hits + 2, 'more checks of the trusted host', 10_000);
    const views = Object.fromEntries(gw.pools().map((p) => [p.name, p.hosts[0]!.healthy]));
    assert.deepEqual(views, { trusted: true, untrusted: false });
    assert.equal(
      changed.some((e) => e.pool === 'trusted'),
      false,
    );
  });

  it('re-reads the CA file on a reload and rebuilds the pool only when it changed; a missing file refuses the reload', async () => {
    const caFile = pki.path('pool-ca.pem');
    copyFileSync(clientCa.cert, caFile); // the wrong CA at first
    const raw = {
      listeners: [{ name: 'main', host: '127.0.0.1', port: 0 }],
      pools: { api: { hosts: [good.url], tls: { ca: caFile }, ...quiet } },
      routes: [{ pool: 'api', retry: { enabled: false } }],
    };
    const config = () => {
      const r = validateConfig(raw, {});
      assert.ok(r.ok);
      return r.config;
    };
    const gw = createGateway(config(), 'v1', { bus: new EventBus() });
    const [addr] = await gw.listen();
    cleanup.push(() => gw.close());
    const url = `http://127.0.0.1:${addr!.port}/x`;
    assert.equal((await send(url)).status, 502);
    copyFileSync(pki.ca.cert, caFile);
    await gw.reload(config(), 'v2');
    assert.equal((await send(url)).status, 200, 'the new CA is used after the reload');
    const handshakes = good.handshakes;
    await gw.reload(config(), 'v3');
    assert.equal((await send(url)).status, 200);
    assert.equal(good.handshakes, handshakes, 'unchanged files: the same pool, its connection kept');
    const broken = { ...raw, pools: { api: { ...raw.pools.api, tls: { ca: pki.path('gone.pem') } } } };
    const r = validateConfig(broken, {});
    assert.ok(r.ok);
    await assert.rejects(
      gw.reload(r.config, 'v4'),
      /pools\.api\.tls\.ca: cannot read CA file .*gone\.pem" \(ENOENT\)/,
    );
    assert.equal(gw.version, 'v3');
  });
});

describe('HTTPS upstream config', () => {
  it('names what is wrong: tls without an https host, a client certificate without its key', () => {
    const r = validateConfig(
      {
        pools: {
          a: { hosts: ['http://127.0.0.1:1'], tls: { ca: '/x/ca.pem' } },
          b: { hosts: ['https://127.0.0.1:2'], tls: { cert: '/x/c.pem' } },
        },
      },
      {},
    );
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.problems.map((p) => `${p.path}: ${p.code}`), [
      'pools.a.tls: unused_tls',
      'pools.b.tls.key: missing_pair',
    ]);
  });
});

/** A port where a plain-HTTP server listens: a TLS client gets garbage back (ERR_SSL_*). */
async function plainPort(): Promise<{ port: number }> {
  const { createServer: plain } = await import('node:http');
  const s = plain((_req, res) => res.end('plain'));
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      }),
  );
  return { port: (s.address() as AddressInfo).port };
}
