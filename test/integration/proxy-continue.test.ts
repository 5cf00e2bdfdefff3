/**
 * "Expect: 100-continue" (RFC 9110 §10.1.1): 100 Continue only once the request is admitted, so a
 * body too large or a routing refusal is answered instead, before the client sends its body.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, startGateway, waitFor } from './proxy-util.js';
import { exchange, header, parseResponses, RecordingUpstream, session } from './raw-http.js';

const post = (path: string, length: number, method = 'POST') =>
  `${method} ${path} HTTP/1.1\r\nHost: a.example\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;

describe('Expect: 100-continue', () => {
  let up: RecordingUpstream;
  let g: Running;

  before(async () => {
    up = await new RecordingUpstream().listen();
    g = await startGateway({
      pools: pool('up', [up]),
      routes: [
        { name: 'upload', match: { path_prefix: '/upload' }, pool: 'up', max_body_bytes: 100 },
        { name: 'posts', match: { path_prefix: '/posts', methods: ['POST'] }, pool: 'up' },
      ],
    });
  });
  after(async () => {
    await g.close();
    await up.close();
  });

  it('answers 413 instead of 100 when Content-Length passes the limit, and closes', async () => {
    const { data, closed } = await exchange(g.port, post('/upload', 1000), 1500);
    const text = data.toString('latin1');
    assert.doesNotMatch(text, /100 Continue/);
    const p = parseResponses(data);
    assert.equal(p.error, '');
    assert.equal(p.responses.length, 1);
    assert.equal(p.responses[0]!.status, 413);
    assert.equal(header(p.responses[0]!, 'x-keel-error'), 'KEEL_ERR_BODY_TOO_LARGE');
    assert.equal(header(p.responses[0]!, 'connection'), 'close');
    assert.ok(closed);
    assert.equal(up.seen.length, 0);
  });

  it('answers a routing refusal instead of 100, and closes: the body never read is never a request', async () => {
    for (const [method, target] of [
      ['POST', '/elsewhere'],
      ['PUT', '/posts/x'], // the route takes POST only
    ] as const) {
      const { data, closed } = await exchange(g.port, post(target, 5, method), 1500);
      assert.doesNotMatch(data.toString('latin1'), /100 Continue/);
      const p = parseResponses(data);
      assert.equal(p.responses[0]?.status, 404, target);
      assert.equal(header(p.responses[0]!, 'connection'), 'close');
      assert.ok(closed);
    }
    assert.equal(up.seen.length, 0);
  });

  it('sends 100 once the request is admitted, then relays the body', async () => {
    const s = session(g.port);
    s.socket.write(post('/upload/ok', 5));
    await waitFor(() => s.data().includes('\r\n\r\n'), 'the interim answer');
    assert.match(s.data().toString('latin1'), /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    s.socket.write('hello');
    await waitFor(() => parseResponses(s.data()).responses.length === 1, 'the answer');
    const r = parseResponses(s.data()).responses[0]!;
    assert.deepEqual(r.interim, [100]);
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)!.body.toString(), 'hello');
    s.socket.end();
    await once(s.socket, 'close');
  });
});
