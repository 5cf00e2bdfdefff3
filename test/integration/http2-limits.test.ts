/**
 * HTTP/2 flood limits (docs/http2.md, "Limits"): rapid reset (CVE-2023-44487), SETTINGS and PING
 * floods, each cut off with GOAWAY(ENHANCE_YOUR_CALM) while the gateway keeps serving everyone
 * else — driven by a raw frame client (h2-raw.ts), since no well-behaved client sends them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client } from 'undici';
import { EventBus } from '../../src/core/events.js';
import { createGateway } from '../../src/proxy/gateway.js';
import { RawH2 } from './h2-raw.js';
import { makeConfig, type Upstream, upstreams, waitFor } from './proxy-util.js';
import { Pki } from './tls-util.js';

const pki = new Pki();
let up: Upstream;

before(async () => {
  [up] = (await upstreams(1)) as [Upstream];
});

after(async () => {
  await up?.close();
  pki.close();
});

describe('HTTP/2: flood limits (CVE-2023-44487 and friends)', () => {
  /** A gateway of its own: the limits' events, and a session cut does not touch the other tests. */
  async function floodRig() {
    const server = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
    const bus = new EventBus();
    const abuse: Array<{ reason: string }> = [];
    bus.on('http2.abuse', (e) => abuse.push(e));
    const g = createGateway(
      makeConfig({
        listeners: [
          {
            name: 'edge',
            host: '127.0.0.1',
            port: 0,
            tls: { cert: server.cert, key: server.key },
            http2: { max_resets: 50, max_settings: 20, max_pings: 20 },
          },
        ],
        pools: { one: { hosts: [up.url] } },
        routes: [{ pool: 'one' }],
      }),
      'v1',
      { bus },
    );
    const [addr] = await g.listen();
    return { g, port: addr!.port, abuse };
  }

  async function stillServes(p: number): Promise<void> {
    const c = new Client(`https://127.0.0.1:${p}`, {
      allowH2: true,
      connect: { ca: readFileSync(pki.ca.cert), servername: 'localhost' },
    });
    const res = await c.request({ path: '/after', method: 'GET' });
    await res.body.text();
    assert.equal(res.statusCode, 200, 'a new client is served');
    await c.close();
  }

  it('rapid reset: a client cancelling streams as fast as it opens them gets GOAWAY(ENHANCE_YOUR_CALM)', async () => {
    const r = await floodRig();
    try {
      const raw = await RawH2.open(r.port, pki.ca.cert);
      for (let i = 0; i < 400 && !raw.socket.destroyed; i++) {
        const stream = 2 * i + 1;
        raw.request(stream, [
          [':method', 'GET'],
          [':scheme', 'https'],
          [':authority', 'localhost'],
          [':path', `/reset/${i}`],
        ]);
        raw.rst(stream);
      }
      await raw.closed;
      assert.equal(raw.goawayCode(), 11, 'GOAWAY ENHANCE_YOUR_CALM (RFC 9113 §7)');
      assert.deepEqual(
        r.abuse.map((e) => e.reason),
        ['rapid_reset'],
      );
      await stillServes(r.port);
    } finally {
      await r.g.close();
    }
  });

  it('SETTINGS flood: node:http2 would acknowledge every one; the limit closes the connection', async () => {
    const r = await floodRig();
    try {
      const raw = await RawH2.open(r.port, pki.ca.cert);
      for (let i = 0; i < 1000 && !raw.socket.destroyed; i++) raw.settings();
      await raw.closed;
      assert.equal(raw.goawayCode(), 11);
      assert.deepEqual(
        r.abuse.map((e) => e.reason),
        ['settings_flood'],
      );
      await stillServes(r.port);
    } finally {
      await r.g.close();
    }
  });

  it('PING flood: a client that reads its acknowledgements is still cut off at the limit', async () => {
    const r = await floodRig();
    try {
      const raw = await RawH2.open(r.port, pki.ca.cert);
      for (let i = 0; i < 500 && !raw.socket.destroyed; i++) raw.ping();
      await raw.closed;
      assert.equal(raw.goawayCode(), 11);
      assert.deepEqual(
        r.abuse.map((e) => e.reason),
        ['ping_flood'],
      );
      await stillServes(r.port);
    } finally {
      await r.g.close();
    }
  });

  it('a well-behaved client that cancels a few streams is not cut', async () => {
    const r = await floodRig();
    try {
      const raw = await RawH2.open(r.port, pki.ca.cert);
      for (let i = 0; i < 10; i++) {
        raw.request(2 * i + 1, [
          [':method', 'GET'],
          [':scheme', 'https'],
          [':authority', 'localhost'],
          [':path', `/few/${i}`],
        ]);
        raw.rst(2 * i + 1);
      }
      raw.ping();
      raw.settings();
      raw.request(21, [
        [':method', 'GET'],
        [':scheme', 'https'],
        [':authority', 'localhost'],
        [':path', '/last'],
      ]);
      await waitFor(() => raw.frames.some((f) => f.type === 1 && f.stream === 21), 'the last answer');
      assert.equal(raw.goawayCode(), -1);
      assert.deepEqual(r.abuse, []);
      raw.destroy();
    } finally {
      await r.g.close();
    }
  });
});
