import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { raw } from '../../test/integration/proxy-util.js';
import { validateConfig } from '../config/index.js';
import { EventBus } from '../core/events.js';
import { createGateway, type Gateway } from './gateway.js';
import { isChunkedOnly, parseContentLength } from './limits.js';

describe('limit helpers', () => {
  it('parses Content-Length strictly (1*DIGIT)', () => {
    assert.equal(parseContentLength('0'), 0);
    assert.equal(parseContentLength('1234'), 1234);
    for (const bad of ['', '-1', '+1', '1 ', '0x10', '1e3', '1'.repeat(16)])
      assert.equal(parseContentLength(bad), -1, bad);
  });
  it('accepts only "chunked" as a request transfer coding', () => {
    assert.equal(isChunkedOnly('chunked'), true);
    assert.equal(isChunkedOnly(' Chunked '), true);
    assert.equal(isChunkedOnly('gzip, chunked'), false);
    assert.equal(isChunkedOnly('chunked, chunked'), false);
  });
});

const statusOf = (reply: string) => Number(reply.slice(9, 12));
const codeOf = (reply: string) => /x-keel-error: (\S+)/i.exec(reply)?.[1];

describe('limits and request smuggling on a running gateway', () => {
  let upstream: Server;
  let gw: Gateway;
  let port = 0;
  let upstreamRequests = 0;

  before(async () => {
    upstream = createServer((req, res) => {
      upstreamRequests++;
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const r = validateConfig({
      listeners: [{ name: 'main', host: '127.0.0.1', port: 0 }],
      limits: { max_header_bytes: 2048, max_url_length: 100, max_body_bytes: 1000 },
      client: { headers_timeout: 300 },
      pools: { web: { hosts: [up] } },
      routes: [{ name: 'all', pool: 'web', max_body_bytes: 100 }],
    });
    assert.ok(r.ok);
    gw = createGateway(r.config, 'v1', { bus: new EventBus() });
    port = (await gw.listen())[0]!.port;
  });
  after(async () => {
    await gw.close();
    upstream.close();
  });

  it('passes an HTTP/1.0 request without Host (RFC 9112 §3.2 asks Host of HTTP/1.1 only)', async () => {
    const reply = await raw(port, 'GET / HTTP/1.0\r\n\r\n');
    assert.equal(statusOf(reply), 200, reply);
  });

  it('passes a sound request', async () => {
    const reply = await raw(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    );
    assert.equal(statusOf(reply), 200, reply);
  });

  const cases: Array<[string, string, number, string]> = [
    [
      'CL + TE',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'KEEL_ERR_REQUEST_SMUGGLING',
    ],
    [
      'two Content-Lengths',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      400,
      'KEEL_ERR_REQUEST_SMUGGLING',
    ],
    [
      'TE not ending in chunked',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      400,
      'KEEL_ERR_REQUEST_SMUGGLING',
    ],
    ['two Host lines', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'KEEL_ERR_BAD_REQUEST'],
    [
      'an HTTP/1.1 request without Host',
      'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n',
      400,
      'KEEL_ERR_BAD_REQUEST',
    ],
    [
      'an upgrade without Host',
      'GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      400,
      'KEEL_ERR_BAD_REQUEST',
    ],
    ['URL too long', `GET /${'x'.repeat(150)} HTTP/1.1\r\nHost: a\r\n\r\n`, 414, 'KEEL_ERR_URL_TOO_LONG'],
    [
      'headers too large',
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(3000)}\r\n\r\n`,
      431,
      'KEEL_ERR_HEADERS_TOO_LARGE',
    ],
    [
      'Content-Length over the route limit',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n',
      413,
      'KEEL_ERR_BODY_TOO_LARGE',
    ],
    [
      'chunked body over the route limit',
      `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n${'z'.repeat(64)}\r\n40\r\n${'z'.repeat(64)}\r\n`,
      413,
      'KEEL_ERR_BODY_TOO_LARGE',
    ],
    ['headers too slow', 'GET / HTTP/1.1\r\nHost: a\r\n', 408, 'KEEL_ERR_CLIENT_TIMEOUT'],
  ];
  for (const [name, bytes, status, code] of cases) {
    it(`refuses ${name} with ${status}`, async () => {
      const before = upstreamRequests;
      const reply = await raw(port, bytes);
      assert.equal(statusOf(reply), status, reply);
      assert.equal(codeOf(reply), code, reply);
      assert.match(reply, /content-type: application\/json/i);
      assert.match(reply, /connection: close/i);
      if (!name.startsWith('chunked')) assert.equal(upstreamRequests, before, 'nothing reached the upstream');
    });
  }
});
