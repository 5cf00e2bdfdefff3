import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pool, pumpBytes, type Running, startGateway, Upstream, waitFor } from './proxy-util.js';

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

describe('streaming with backpressure', () => {
  let echo: Upstream;
  let source: Upstream;
  let g: Running;
  let produced = 0;

  before(async () => {
    // Echoes the request body as it arrives (no buffering on either side).
    echo = await new Upstream('echo', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    }).listen();
    // Writes 20 MB, honouring backpressure, and counts what it managed to hand to its socket.
    source = await new Upstream('source', (_req, res) => {
      produced = 0;
      pumpBytes(res, 20 * MB, CHUNK, (sent) => {
        produced = sent;
      });
    }).listen();
    g = await startGateway({
      pools: { ...pool('echo', [echo]), ...pool('source', [source]) },
      routes: [
        { name: 'echo', match: { path_prefix: '/echo' }, pool: 'echo', max_body_bytes: 30 * MB },
        { name: 'source', match: { path_prefix: '/source' }, pool: 'source' },
      ],
    });
  });
  after(async () => {
    await g.close();
    await echo.close();
    await source.close();
  });

  it('streams a 20 MB chunked upload and its echo both ways at once', async () => {
    const req = request(`${g.url}/echo`, { method: 'POST', agent: false });
    let received = 0;
    let firstResponseByteAt = 0;
    let lastWriteAt = 0;
    const done = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          if (received === 0) firstResponseByteAt = performance.now();
          received += c.length;
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    let sent = 0;
    while (sent < 20 * MB) {
      sent += CHUNK.length;
      if (!req.write(CHUNK)) await once(req, 'drain');
    }
    lastWriteAt = performance.now();
    req.end();
    assert.equal(await done, 200);
    assert.equal(received, 20 * MB);
    // The echo started flowing back before the upload finished: nothing was buffered whole.
    assert.ok(
      firstResponseByteAt > 0 && firstResponseByteAt < lastWriteAt,
      'response streamed during the upload',
    );
  });

  it('propagates a slow client’s backpressure to the upstream', async () => {
    const req = request(`${g.url}/source`, { agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    res.pause();
    // While the client reads nothing, the upstream can only fill the socket buffers in between.
    await waitFor(() => produced > 0, 'the upstream to start');
    await new Promise((r) => setTimeout(r, 300));
    const stalledAt = produced;
    assert.ok(stalledAt < 12 * MB, `upstream wrote ${stalledAt} bytes to a client that read nothing`);
    let received = 0;
    res.on('data', (c: Buffer) => {
      received += c.length;
    });
    res.resume();
    await once(res, 'end');
    assert.equal(received, 20 * MB);
  });
});
