import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, send, startGateway, Upstream } from './proxy-util.js';

/**
 * Bodies with a Content-Length: the forward link ends the client response with the chunk that
 * completes the length (res.end(chunk), one write for head + body), so every shape of such a
 * body must still arrive whole — in one chunk, in many, empty, or absent (HEAD, 204, 304).
 */
const BIG = Buffer.alloc(300 * 1024, 0x62);

describe('bodies with a Content-Length', () => {
  let up: Upstream;
  let g: Running;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  before(async () => {
    up = await new Upstream('len', (req, res) => {
      req.resume();
      switch (req.url) {
        case '/one':
          res.writeHead(200, { 'content-length': 5 });
          res.end('hello');
          return;
        case '/many': {
          // Several writes on separate ticks: the proxy sees several chunks.
          res.writeHead(200, { 'content-length': BIG.length });
          let off = 0;
          const next = () => {
            const part = BIG.subarray(off, off + 64 * 1024);
            off += part.length;
            if (off >= BIG.length) res.end(part);
            else res.write(part, () => setImmediate(next));
          };
          next();
          return;
        }
        case '/empty':
          res.writeHead(200, { 'content-length': 0 });
          res.end();
          return;
        case '/nocontent':
          res.writeHead(204);
          res.end();
          return;
        default:
          res.writeHead(200, { 'content-length': 5 });
          res.end(req.method === 'HEAD' ? undefined : 'hello');
      }
    }).listen();
    g = await startGateway({
      pools: pool('len', [up]),
      routes: [{ name: 'all', match: { path_prefix: '/' }, pool: 'len' }],
    });
  });
  after(async () => {
    agent.destroy();
    await g.close();
    await up.close();
  });

  it('relays a body sent in one chunk', async () => {
    const r = await send(`${g.url}/one`, { agent });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'hello');
    assert.equal(r.headers['content-length'], '5');
  });

  it('relays a body sent in many chunks, whole', async () => {
    const r = await send(`${g.url}/many`, { agent });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, BIG.length);
    assert.equal(r.body, BIG.toString());
  });

  it('relays empty and absent bodies, and keeps the connection usable', async () => {
    const head = await send(`${g.url}/x`, { method: 'HEAD', agent });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], '5');
    const empty = await send(`${g.url}/empty`, { agent });
    assert.equal(empty.status, 200);
    assert.equal(empty.body, '');
    const none = await send(`${g.url}/nocontent`, { agent });
    assert.equal(none.status, 204);
    const again = await send(`${g.url}/one`, { agent });
    assert.equal(again.body, 'hello');
  });
});
