import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, startGateway, Upstream } from './proxy-util.js';

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
});
