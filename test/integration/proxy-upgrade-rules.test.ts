/**
 * Upgrades go through the same admission as every request (normalisation, routing, rewriting),
 * and only the protocols a route lists are tunnelled — never h2c (docs/proxying.md, "Upgrades").
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, startGateway, waitFor } from './proxy-util.js';
import {
  exchange,
  header,
  parseResponses,
  RecordingUpstream,
  type Seen,
  seenHeader,
  session,
} from './raw-http.js';

const WS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
const H2C = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n';
const upgradeRequest = (target: string, fields = WS, host = 'a.example') =>
  `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${fields}\r\n`;

/** Sends an upgrade and returns the head of the answer and the socket, left open. */
async function handshake(port: number, bytes: string) {
  const s = session(port);
  s.socket.write(bytes);
  for (;;) {
    const data = s.data();
    const end = data.indexOf('\r\n\r\n');
    if (end >= 0) return { s, head: data.subarray(0, end).toString('latin1') };
    if (s.isClosed()) return { s, head: data.toString('latin1') };
    await Promise.race([once(s.socket, 'data'), s.closed]);
  }
}

describe('upgrades are admitted like any request', () => {
  let up: RecordingUpstream;
  let g: Running;
  const upgrades = (): Seen[] => up.seen.filter((s) => s.upgrade);

  before(async () => {
    up = await new RecordingUpstream().listen();
    const accept = up.onUpgrade;
    up.onUpgrade = (req, socket, head) => {
      if (req.url?.endsWith('/refuse')) socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno');
      else accept(req, socket, head);
    };
    g = await startGateway({
      pools: pool('up', [up]),
      routes: [
        { name: 'public', match: { path_prefix: '/public' }, strip_prefix: true, pool: 'up' },
        { name: 'posts', match: { path_prefix: '/posts', methods: ['POST'] }, pool: 'up' },
        { name: 'none', match: { path_prefix: '/none' }, pool: 'up', upgrades: [] },
        {
          name: 'custom',
          match: { path_prefix: '/custom' },
          pool: 'up',
          upgrades: ['websocket', 'my-proto'],
        },
      ],
    });
  });
  after(async () => {
    await g.close();
    await up.close();
  });

  it('applies the path rules: dot segments, encoded or not, cannot reach what plain requests cannot', async () => {
    const before = up.seen.length;
    for (const target of [
      '/public/../internal/secret',
      '/public/%2e%2e/internal/secret',
      '/public/.%2E/internal',
    ]) {
      const plain = parseResponses(
        (await exchange(g.port, `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`, 800)).data,
      );
      assert.equal(plain.responses[0]?.status, 404, target);
      const { data, closed } = await exchange(g.port, upgradeRequest(target), 1500);
      const p = parseResponses(data);
      assert.equal(p.error, '');
      assert.equal(p.responses[0]?.status, 404, target);
      assert.equal(header(p.responses[0]!, 'x-keel-error'), 'KEEL_ERR_ROUTE_NOT_FOUND');
      assert.ok(closed);
    }
    // The method rule too: the "/posts" route takes POST only.
    const posts = parseResponses((await exchange(g.port, upgradeRequest('/posts/x'), 1500)).data);
    assert.equal(posts.responses[0]?.status, 404);
    assert.equal(up.seen.length, before, 'nothing reached the upstream');
  });

  it('rewrites like any request: strip_prefix, the normalised target, the authority and forwarding fields', async () => {
    const { s, head } = await handshake(
      g.port,
      upgradeRequest('/public/x/%2e%2e/chat?room=1', WS, 'A.Example.:80'),
    );
    assert.match(head, /^HTTP\/1\.1 101 /);
    const seen = upgrades().at(-1)!;
    assert.equal(seen.url, '/chat?room=1');
    assert.deepEqual(seenHeader(seen, 'host'), ['a.example']);
    assert.deepEqual(seenHeader(seen, 'x-forwarded-host'), ['a.example']);
    assert.equal(seenHeader(seen, 'x-forwarded-for').length, 1);
    assert.equal(seenHeader(seen, 'via').length, 1);
    s.socket.destroy();
    // An absolute-form target's authority replaces Host here as well.
    const abs = await handshake(g.port, upgradeRequest('http://B.Example/public/chat', WS));
    assert.match(abs.head, /^HTTP\/1\.1 101 /);
    assert.deepEqual(seenHeader(upgrades().at(-1)!, 'host'), ['b.example']);
    abs.s.socket.destroy();
  });

  it('never tunnels h2c: the request is answered as a plain one, and nothing after its head is read', async () => {
    const before = up.seen.length;
    const smuggled = 'GET /public/smuggled HTTP/1.1\r\nHost: a.example\r\n\r\n';
    const { data, closed } = await exchange(g.port, upgradeRequest('/public/h2', H2C) + smuggled, 1500);
    const p = parseResponses(data);
    assert.equal(p.error, '');
    assert.equal(p.responses.length, 1, data.toString('latin1'));
    const r = p.responses[0]!;
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'GET /h2');
    assert.equal(header(r, 'connection'), 'close');
    assert.ok(closed, 'the connection closes after the answer');
    assert.equal(up.seen.length, before + 1, 'one request reached the upstream, not the smuggled one');
    const seen = up.seen.at(-1)!;
    assert.equal(seen.upgrade, false);
    assert.equal(seen.url, '/h2');
    for (const f of ['upgrade', 'http2-settings']) assert.deepEqual(seenHeader(seen, f), [], f);
    assert.doesNotMatch(seenHeader(seen, 'connection').join(), /upgrade|http2/i);
  });

  it('answers an upgrade its route does not list as a plain request; a body it cannot frame is refused', async () => {
    const { data, closed } = await exchange(g.port, upgradeRequest('/none/chat'), 1500);
    const p = parseResponses(data);
    assert.equal(p.responses.length, 1);
    assert.equal(p.responses[0]!.status, 200);
    assert.ok(closed);
    assert.equal(up.seen.at(-1)!.upgrade, false);
    const before = up.seen.length;
    const withBody = await exchange(
      g.port,
      `POST /none/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n${WS}\r\nhello`,
      1500,
    );
    const refused = parseResponses(withBody.data);
    assert.equal(refused.responses[0]?.status, 400);
    assert.equal(up.seen.length, before);
  });

  it('offers the upstream only the protocols the route lists, h2c never among them', async () => {
    const fields = 'Upgrade: h2c, my-proto/2, foo, WebSocket\r\nConnection: Upgrade\r\n';
    const custom = await handshake(g.port, upgradeRequest('/custom/x', fields));
    assert.match(custom.head, /^HTTP\/1\.1 101 /);
    assert.deepEqual(seenHeader(upgrades().at(-1)!, 'upgrade'), ['my-proto/2, WebSocket']);
    custom.s.socket.destroy();
    const plain = await handshake(g.port, upgradeRequest('/public/x', fields));
    assert.match(plain.head, /^HTTP\/1\.1 101 /);
    assert.deepEqual(seenHeader(upgrades().at(-1)!, 'upgrade'), ['WebSocket']);
    plain.s.socket.destroy();
  });

  it("closes a refused upgrade's connection once the refusal is written, not only its half", async () => {
    // A client that keeps its side open: only the gateway's close can end the connection. node
    // no longer reads a socket it handed over for an upgrade, so an end() alone left it open.
    const socket = connect({ port: g.port, host: '127.0.0.1', allowHalfOpen: true });
    let error = '';
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? 'error';
    });
    let got = '';
    socket.on('data', (b: Buffer) => {
      got += b.toString('latin1');
    });
    socket.write(upgradeRequest('/public/refuse'));
    await once(socket, 'end');
    assert.match(got, /^HTTP\/1\.1 403 /);
    // Writing to a connection the gateway closed is refused by its TCP stack (reset).
    await waitFor(() => {
      if (!socket.destroyed) socket.write('x');
      return error !== '';
    }, 'the gateway to close the connection');
    assert.match(error, /ECONNRESET|EPIPE/);
  });
});
