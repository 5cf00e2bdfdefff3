import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, startGateway, Upstream, waitFor } from './proxy-util.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3

describe('Upgrade pass-through (WebSocket handshake, then raw bytes both ways)', () => {
  let up: Upstream;
  let g: Running;
  const tunnels: Duplex[] = [];

  before(async () => {
    up = await new Upstream('ws', (req, res) => {
      req.resume();
      res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required');
    }).listen();
    up.server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      tunnels.push(socket);
      if (req.url === '/refuse') {
        socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno');
        return;
      }
      const accept = createHash('sha1')
        .update(String(req.headers['sec-websocket-key']) + GUID)
        .digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      if (head.length > 0) socket.write(head);
      socket.pipe(socket); // echo
    });
    g = await startGateway({ pools: pool('ws', [up]), routes: [{ name: 'ws', pool: 'ws' }] });
  });
  after(async () => {
    for (const t of tunnels) t.destroy();
    await g.close();
    await up.close();
  });

  function handshake(path: string): Promise<{ socket: Socket; head: string; rest: Buffer }> {
    const socket = connect(g.port, '127.0.0.1');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    return new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const onData = (b: Buffer) => {
        buf = Buffer.concat([buf, b]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        resolve({ socket, head: buf.subarray(0, end).toString('latin1'), rest: buf.subarray(end + 4) });
      };
      socket.on('data', onData);
      socket.on('error', reject);
    });
  }

  it('completes the handshake and echoes bytes through the tunnel', async () => {
    const { socket, head } = await handshake('/chat');
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.match(head, /sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i); // RFC 6455 §1.3 example
    assert.match(head, /upgrade: websocket/i);
    const got: Buffer[] = [];
    socket.on('data', (b: Buffer) => got.push(b));
    socket.write('ping-1');
    socket.write(Buffer.from([0, 1, 2, 255]));
    const expected = Buffer.concat([Buffer.from('ping-1'), Buffer.from([0, 1, 2, 255])]);
    while (Buffer.concat(got).length < expected.length) await once(socket, 'data');
    assert.deepEqual(Buffer.concat(got), expected);
    socket.destroy();
  });

  it('relays a refused upgrade and closes', async () => {
    const { socket, head } = await handshake('/refuse');
    assert.match(head, /^HTTP\/1\.1 403 /);
    assert.match(head, /connection: close/i);
    if (!socket.destroyed) await once(socket, 'close');
  });

  it('publishes one request.done per upgrade when its handshake settles (access log, RED metrics)', async () => {
    const done = () => g.events('request.done').filter((e) => e.path === '/log' || e.path === '/refuse');
    const before = done().length;
    const { socket } = await handshake('/log');
    await waitFor(() => done().length === before + 1, 'request.done of the 101');
    const ok = done().at(-1)!;
    assert.equal(ok.status, 101);
    assert.equal(ok.route, 'ws');
    assert.equal(ok.pool, 'ws');
    assert.equal(ok.method, 'GET');
    assert.equal(ok.tries, 1);
    assert.equal(ok.host, new URL(up.url).host);
    assert.equal(ok.errorCode, '');
    assert.match(ok.requestId, /.+/);
    // The tunnel stays open: the event is the handshake's, not the connection's.
    assert.equal(socket.destroyed, false);
    socket.destroy();
    const refused = await handshake('/refuse');
    if (!refused.socket.destroyed) await once(refused.socket, 'close');
    await waitFor(() => done().length === before + 2, 'request.done of the refusal');
    assert.equal(done().at(-1)!.status, 403);
    // Each routed one was announced by a request.start too (the in-flight gauge pairs them).
    const starts = new Set(g.events('request.start').map((e) => e.requestId));
    for (const e of done()) assert.ok(starts.has(e.requestId), `request.start of ${e.path}`);
  });

  it("Keel's own refusal of an upgrade is published with its error code", async () => {
    const noRoute = await startGateway({
      pools: pool('ws', [up]),
      routes: [{ name: 'ws', pool: 'ws', match: { path_prefix: '/only' } }],
    });
    try {
      const socket = connect(noRoute.port, '127.0.0.1');
      socket.on('data', () => undefined);
      socket.write(
        'GET /elsewhere HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      );
      await once(socket, 'close');
      await waitFor(() => noRoute.events('request.done').length === 1, 'request.done of the refusal');
      const e = noRoute.events('request.done')[0]!;
      assert.equal(e.status, 404);
      assert.equal(e.errorCode, 'KEEL_ERR_ROUTE_NOT_FOUND');
      assert.equal(e.route, '');
      assert.equal(e.tries, 0);
    } finally {
      await noRoute.close();
    }
  });
});
