/**
 * HTTP/2 to clients (docs/http2.md): one request path behind two front ends. Real h2 clients —
 * undici with allowH2, node:http2 — through the route features (cache hit, retry, breaker,
 * traces, bodies and their limits), the drain, and the connection limits (RFC 9113 §6.5.2).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as h2connect } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { Client } from 'undici';
import { EventBus, type RequestDoneEvent } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { FRAME, RawH2 } from './h2-raw.js';
import { hello, makeConfig, type Upstream, upstreams, waitFor } from './proxy-util.js';
import { Pki } from './tls-util.js';

const pki = new Pki();
let ups: Upstream[];
let gw: Gateway;
let port = 0;
const done: RequestDoneEvent[] = [];
/** app-1 answers /retry with 503, and /breaker drops its connection, while `failing`. */
const state = { failing: true, hold: [] as Array<() => void> };

before(async () => {
  ups = await upstreams(2, (req, res, up) => {
    const path = req.url ?? '';
    if (path.startsWith('/retry') && up.name === 'app-1' && state.failing) {
      req.resume();
      res.writeHead(503).end('down');
      return;
    }
    // A dropped connection: the evidence that opens a host breaker (docs/health.md).
    if (path.startsWith('/breaker') && state.failing) {
      req.socket.destroy();
      return;
    }
    if (path.startsWith('/hints')) {
      req.resume();
      res.writeProcessing();
      res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('final');
      return;
    }
    if (path.startsWith('/hold')) {
      req.resume();
      state.hold.push(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('held'));
      return;
    }
    if (path.startsWith('/echo')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, {
          'x-seen-host': String(req.headers.host),
          'x-seen-proto': String(req.headers['x-forwarded-proto']),
          'x-seen-length': String(req.headers['content-length'] ?? ''),
          'x-seen-te': String(req.headers['transfer-encoding'] ?? ''),
          'x-seen-cookie': String(req.headers.cookie ?? ''),
          'x-seen-traceparent': String(req.headers.traceparent ?? ''),
          'cache-control': path.startsWith('/echo/cached') ? 'max-age=60' : 'no-store',
        });
        res.end(Buffer.concat(chunks));
      });
      return;
    }
    hello(req, res, up);
  });
  const server = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
  const bus = new EventBus();
  bus.on('request.done', (e) => done.push(e));
  gw = createGateway(
    makeConfig({
      listeners: [{ name: 'h2', host: '127.0.0.1', port: 0, tls: { cert: server.cert, key: server.key } }],
      telemetry: { tracing: { enabled: true, endpoint: 'http://127.0.0.1:9/v1/traces' } },
      pools: {
        one: { hosts: [ups[1]!.url] },
        both: {
          hosts: [ups[0]!.url, ups[1]!.url],
          balancer: { algorithm: 'round_robin' },
          health: { outlier: { enabled: false } },
          breaker: { enabled: false },
        },
        flaky: {
          hosts: [ups[0]!.url],
          health: { outlier: { enabled: false } },
          breaker: { consecutive_failures: 2, minimum_requests: 100, open_timeout: 60_000 },
        },
      },
      routes: [
        { name: 'cached', match: { path_prefix: '/echo/cached' }, pool: 'one', cache: {} },
        {
          name: 'retry',
          match: { path_prefix: '/retry' },
          pool: 'both',
          retry: { max_attempts: 2, backoff: { base: 1, max: 1 } },
        },
        { name: 'breaker', match: { path_prefix: '/breaker' }, pool: 'flaky', retry: { enabled: false } },
        { name: 'small', match: { path_prefix: '/echo/small' }, pool: 'one', max_body_bytes: 1024 },
        { name: 'rest', pool: 'one' },
      ],
    }),
    'v1',
    { bus },
  );
  port = (await gw.listen())[0]!.port;
});

after(async () => {
  await gw?.close();
  for (const u of ups ?? []) await u.close();
  pki.close();
});

function h2client(): Client {
  return new Client(`https://127.0.0.1:${port}`, {
    allowH2: true,
    connect: { ca: readFileSync(pki.ca.cert), servername: 'localhost' },
  });
}

async function get(c: Client, path: string, headers: Record<string, string | string[]> = {}) {
  const res = await c.request({ path, method: 'GET', headers });
  const body = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body };
}

describe('HTTP/2: one request path, every route feature', () => {
  it('negotiates h2 and forwards as HTTP/1.1: Host from :authority, X-Forwarded-Proto https, cookies joined', async () => {
    const c = h2client();
    try {
      const r = await get(c, '/echo/x', { cookie: ['a=1', 'b=2'] });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-seen-host'], `127.0.0.1:${port}`);
      assert.equal(r.headers['x-seen-proto'], 'https');
      assert.equal(r.headers['x-seen-cookie'], 'a=1; b=2', 'RFC 9113 §8.2.3');
      assert.match(String(r.headers['x-request-id']), /.+/);
      assert.equal(r.headers.via, '1.1 keel');
      await waitFor(() => done.some((e) => e.path === '/echo/x'), 'request.done');
      const e = done.find((d) => d.path === '/echo/x')!;
      assert.deepEqual([e.route, e.status, e.tries], ['rest', 200, 1]);
    } finally {
      await c.close();
    }
  });

  it('answers a cache hit from the store', async () => {
    const c = h2client();
    try {
      const first = await get(c, '/echo/cached/a');
      assert.match(String(first.headers['cache-status']), /uri-miss; .*stored/);
      const hit = await get(c, '/echo/cached/a');
      assert.equal(hit.status, 200);
      assert.match(String(hit.headers['cache-status']), /^keel; hit; ttl=/);
      assert.equal(hit.headers.age, '0');
    } finally {
      await c.close();
    }
  });

  it('retries on another host after a 503', async () => {
    const c = h2client();
    try {
      const before = ups[0]!.hits;
      const r = await get(c, '/retry/a');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'app-2');
      await waitFor(() => done.some((e) => e.path === '/retry/a'), 'request.done');
      const e = done.find((d) => d.path === '/retry/a')!;
      // round robin may start on either host; when it started on app-1, the retry answered.
      assert.equal(e.tries, ups[0]!.hits > before ? 2 : 1);
    } finally {
      await c.close();
    }
  });

  it("opens a host's breaker and answers 503 with Retry-After, calling nothing", async () => {
    const c = h2client();
    try {
      for (const p of ['/breaker/1', '/breaker/2']) {
        const r = await get(c, p);
        assert.deepEqual([r.status, r.headers['x-keel-error']], [502, 'KEEL_ERR_UPSTREAM_RESET']);
      }
      const hits = ups[0]!.hits;
      const fast = await get(c, '/breaker/3');
      assert.equal(fast.status, 503);
      assert.equal(fast.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN');
      assert.ok(Number(fast.headers['retry-after']) >= 1);
      assert.equal(ups[0]!.hits, hits);
    } finally {
      await c.close();
    }
  });

  it('carries the trace context: the caller trace id goes upstream in traceparent', async () => {
    const c = h2client();
    try {
      const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const r = await get(c, '/echo/t', { traceparent: `00-${trace}-00f067aa0ba902b7-01` });
      assert.match(String(r.headers['x-seen-traceparent']), new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
    } finally {
      await c.close();
    }
  });

  it('streams request bodies: with a length, and without one (counted against the route limit)', async () => {
    const c = h2client();
    try {
      const known = await c.request({
        path: '/echo/len',
        method: 'POST',
        body: 'hello',
        headers: { 'content-length': '5' },
      });
      assert.equal(await known.body.text(), 'hello');
      assert.equal(known.headers['x-seen-length'], '5');
      const { Readable } = await import('node:stream');
      const chunks = Readable.from([Buffer.from('a'.repeat(300)), Buffer.from('b'.repeat(300))]);
      const unknown = await c.request({ path: '/echo/stream', method: 'POST', body: chunks });
      assert.equal((await unknown.body.text()).length, 600);
      assert.equal(unknown.headers['x-seen-te'], 'chunked', 'no length announced: sent chunked upstream');
      const big = Readable.from([Buffer.alloc(800), Buffer.alloc(800)]);
      const tooBig = await c.request({ path: '/echo/small', method: 'POST', body: big });
      await tooBig.body.text();
      assert.equal(tooBig.statusCode, 413);
      assert.equal(tooBig.headers['x-keel-error'], 'KEEL_ERR_BODY_TOO_LARGE');
      assert.equal(
        tooBig.headers.connection,
        undefined,
        'no connection-specific field in HTTP/2 (RFC 9113 §8.2.2)',
      );
      assert.equal((await get(c, '/echo/after')).status, 200, 'the connection carries on');
    } finally {
      await c.close();
    }
  });

  it('a request without :authority or Host never reaches the path: nghttp2 resets it (RFC 9113 §8.3.1)', async () => {
    const raw = await RawH2.open(port, pki.ca.cert);
    try {
      const hits = ups[1]!.hits;
      raw.request(1, [
        [':method', 'GET'],
        [':scheme', 'https'],
        [':path', '/echo/no-authority'],
      ]);
      await waitFor(
        () => raw.frames.some((f) => f.type === FRAME.RST_STREAM && f.stream === 1),
        'RST_STREAM',
      );
      const rst = raw.frames.find((f) => f.type === FRAME.RST_STREAM && f.stream === 1)!;
      assert.equal(rst.payload.readUInt32BE(0), 1, 'PROTOCOL_ERROR');
      assert.equal(ups[1]!.hits, hits);
      assert.equal(
        done.some((e) => e.path === '/echo/no-authority'),
        false,
      );
    } finally {
      raw.destroy();
    }
  });
});

describe('HTTP/2: answers besides the final one', () => {
  it('relays 102 and 103 Early Hints as interim HEADERS before the answer (RFC 9113 §8.1)', async () => {
    const s = h2connect(`https://127.0.0.1:${port}`, {
      ca: readFileSync(pki.ca.cert),
      servername: 'localhost',
    });
    try {
      const seen = await new Promise<Array<string | number>>((resolve, reject) => {
        const out: Array<string | number> = [];
        const req = s.request({ ':path': '/hints' });
        req.on('headers', (h) => out.push(Number(h[':status']), String(h.link ?? '')));
        req.on('response', (h) => out.push(Number(h[':status'])));
        req.on('data', () => undefined);
        req.on('end', () => resolve(out));
        req.on('error', reject);
        req.end();
      });
      assert.deepEqual(seen, [102, '', 103, '</app.css>; rel=preload; as=style', 200]);
    } finally {
      s.close();
    }
  });

  it('a POST invalidates the stored answer of its URL before it is answered (RFC 9111 §4.4)', async () => {
    const c = h2client();
    try {
      await get(c, '/echo/cached/inv');
      assert.match(String((await get(c, '/echo/cached/inv')).headers['cache-status']), /^keel; hit/);
      const post = await c.request({
        path: '/echo/cached/inv',
        method: 'POST',
        body: 'x',
        headers: { 'content-length': '1' },
      });
      await post.body.text();
      assert.equal(post.statusCode, 200);
      assert.match(String((await get(c, '/echo/cached/inv')).headers['cache-status']), /uri-miss/);
    } finally {
      await c.close();
    }
  });
});

describe('HTTP/2: connection settings and drain', () => {
  it('advertises max_concurrent_streams 100 and the header list limit', async () => {
    const s = h2connect(`https://127.0.0.1:${port}`, {
      ca: readFileSync(pki.ca.cert),
      servername: 'localhost',
    });
    try {
      const settings = await new Promise<import('node:http2').Settings>((r) => s.once('remoteSettings', r));
      assert.equal(settings.maxConcurrentStreams, 100);
      assert.equal(settings.maxHeaderListSize, 16_384);
    } finally {
      s.close();
    }
  });

  it('refuses a header list larger than limits.max_header_bytes, and keeps serving', async () => {
    const s = h2connect(`https://127.0.0.1:${port}`, {
      ca: readFileSync(pki.ca.cert),
      servername: 'localhost',
    });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const req = s.request({ ':path': '/echo/big', 'x-big': 'x'.repeat(20_000) });
        req.on('response', (h) => resolve(`status ${h[':status']}`));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        req.on('close', () => resolve(`closed ${req.rstCode}`));
        req.end();
      });
      assert.doesNotMatch(outcome, /^status 200/);
      const c = h2client();
      assert.equal((await get(c, '/echo/ok')).status, 200);
      await c.close();
    } finally {
      s.destroy();
    }
  });

  it('drains: GOAWAY to the client, the request in flight finishes, then the gateway closes', async () => {
    const server = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
    const g = createGateway(
      makeConfig({
        listeners: [{ name: 'h2', host: '127.0.0.1', port: 0, tls: { cert: server.cert, key: server.key } }],
        pools: { one: { hosts: [ups[1]!.url] } },
        routes: [{ pool: 'one' }],
      }),
      'v1',
      { bus: new EventBus() },
    );
    const [addr] = await g.listen();
    const s = h2connect(`https://127.0.0.1:${addr!.port}`, {
      ca: readFileSync(pki.ca.cert),
      servername: 'localhost',
    });
    const goaway = new Promise<number>((r) => s.once('goaway', (code) => r(code)));
    const answer = new Promise<string>((resolve, reject) => {
      const req = s.request({ ':path': '/hold' });
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        body += d;
      });
      req.on('end', () => resolve(body));
      req.on('error', reject);
      req.end();
    });
    await waitFor(() => state.hold.length === 1, 'the request to reach the upstream');
    const drained = g.drain(5000);
    assert.equal(await goaway, 0, 'GOAWAY with NO_ERROR (RFC 9113 §6.8)');
    state.hold.shift()!();
    assert.equal(await answer, 'held');
    assert.deepEqual(await drained, { drained: true, remaining: 0 });
    s.destroy();
  });
});
