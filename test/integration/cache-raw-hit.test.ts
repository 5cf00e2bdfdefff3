/**
 * The raw hit (src/proxy/cache/raw-hit.ts): a plain fresh hit written as one string through
 * node:http's stored-head path. These tests hold it to the bytes node:http itself writes for the
 * same response on the Node that runs them, and to node's keep-alive rules, over real sockets.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { endRaw, HotRenders, rawWritable, renderRaw } from '../../src/proxy/cache/raw-hit.js';
import type { KeelResponse } from '../../src/proxy/messages.js';
import { type CacheRig, cacheRig } from './cache-util.js';
import { send } from './proxy-util.js';

/**
 * Sends `payload` on one connection; resolves with the whole responses read once there are
 * `count` of them (or, with `untilClosed`, once the server closed), and whether it closed.
 */
function talk(
  port: number,
  payload: string,
  count: number,
  untilClosed = false,
): Promise<{ responses: string[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf = '';
    const responses: string[] = [];
    let closed = false;
    const finish = (): void => {
      sock.destroy();
      resolve({ responses, closed });
    };
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) break;
        responses.push(buf.slice(0, end + 4 + len));
        buf = buf.slice(end + 4 + len);
      }
      if (responses.length >= count && !untilClosed) finish();
    });
    sock.on('end', () => {
      closed = true;
      finish();
    });
    sock.on('error', reject);
    sock.write(payload, 'latin1');
  });
}

const GET = (path: string, extra = '', host = 't'): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`;
const BODY = Buffer.from(`caf\xe9 ${'x'.repeat(90)}\n`, 'latin1');
const ID = 'req-0001';
/** Stored fields as Prepared.hitFields gives them: names as the origin spelled them. */
const FIELDS = [
  'Content-Type',
  'text/plain; charset=latin1',
  'Content-Length',
  String(BODY.length),
  'age',
  '3',
  'cache-status',
  'keel; hit; ttl=57',
];

/**
 * A node:http server: `/plain` answers with writeHead + end(body), node's ordinary path, and
 * `/raw` with renderRaw + endRaw; `?date` adds an explicit Date field to both.
 */
let held: (() => void) | null = null;

async function pair(tune: (s: Server) => void = () => undefined): Promise<{ port: number; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://t');
    const fields = url.searchParams.has('date')
      ? [...FIELDS, 'Date', 'Tue, 01 Dec 2026 10:00:00 GMT']
      : FIELDS;
    const kres = res as KeelResponse;
    if (url.pathname === '/held') {
      // Answered only once the next request on the connection has been answered (pipelining).
      held = () => {
        res.writeHead(200, [...fields, 'x-held', '1', 'x-request-id', ID]);
        res.end(BODY);
      };
      return;
    }
    if (url.pathname === '/raw' && rawWritable(kres)) {
      const r = renderRaw(kres, 200, fields, 'x-request-id', Math.floor(Date.now() / 1000), BODY);
      assert.ok(r !== null);
      endRaw(kres, 200, r.prefix + ID + r.suffix);
      held?.();
      held = null;
      return;
    }
    res.writeHead(200, [...fields, 'x-request-id', ID]);
    res.end(BODY);
  });
  tune(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const addr = server.address();
  return { port: typeof addr === 'object' && addr !== null ? addr.port : 0, server };
}

const servers: Server[] = [];
const rigs: CacheRig[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const r of rigs) await r.close();
});

/** A response with no socket, as node builds it for a keep-alive HTTP/1.1 GET (keep-alive timeout 5 s). */
function socketless(): ServerResponse {
  const res = new ServerResponse({
    method: 'GET',
    httpVersionMajor: 1,
    httpVersionMinor: 1,
  } as IncomingMessage);
  (res as unknown as { _keepAliveTimeout: number })._keepAliveTimeout = 5000;
  return res;
}

/** Node's own Date is its wall clock's second; compare heads with the value of Date blanked. */
const blankDate = (s: string): string => s.replace(/\r\nDate: [^\r]*/, '\r\nDate: -');

describe('raw hit: the bytes of node:http', () => {
  it('is byte for byte what writeHead + end write, with a stored Date', async () => {
    const { port } = await pair();
    const raw = await talk(port, GET('/raw?date'), 1);
    const plain = await talk(port, GET('/plain?date'), 1);
    assert.equal(raw.responses[0], plain.responses[0]);
    assert.match(raw.responses[0]!, /\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\ncaf\xe9 x/);
  });

  it('adds Date where node adds it, for the second it is given', async () => {
    const { port } = await pair();
    const raw = (await talk(port, GET('/raw'), 1)).responses[0]!;
    const plain = (await talk(port, GET('/plain'), 1)).responses[0]!;
    assert.equal(blankDate(raw), blankDate(plain));
    const date = /\r\nDate: ([^\r]*)\r\n/.exec(raw)?.[1] ?? '';
    assert.equal(new Date(date).toUTCString(), date);
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 5000, `${date} is now`);
  });

  it('keeps the connection for the next requests, pipelined ones included, in order', async () => {
    const { port } = await pair();
    const got = await talk(port, GET('/raw?date') + GET('/plain?date') + GET('/raw?date'), 3);
    assert.equal(got.responses.length, 3);
    assert.equal(got.closed, false);
    assert.equal(new Set(got.responses).size, 1);
  });

  it('waits its turn behind an earlier response still pending on the connection', async () => {
    const { port } = await pair();
    const got = await talk(port, GET('/held?date') + GET('/raw?date') + GET('/raw?date'), 3);
    const plain = await talk(port, GET('/plain?date'), 1);
    assert.match(got.responses[0]!, /\r\nx-held: 1\r\n/);
    assert.equal(got.responses[1], plain.responses[0]);
    assert.equal(got.responses[2], plain.responses[0]);
    assert.equal(got.closed, false);
  });

  it("follows node's keep-alive settings: the timeout, max requests, and the last one closes", async () => {
    const { port } = await pair((s) => {
      s.keepAliveTimeout = 7000;
      s.maxRequestsPerSocket = 2;
    });
    const got = await talk(port, GET('/raw?date') + GET('/raw?date'), 2);
    assert.match(got.responses[0]!, /\r\nKeep-Alive: timeout=7, max=2\r\n/);
    // The last request of the connection: not raw-writable, so node answers and closes.
    assert.match(got.responses[1]!, /\r\nConnection: close\r\n/);
    const plain = await talk(port, GET('/plain?date'), 1);
    assert.equal(got.responses[0], plain.responses[0]);
  });

  it('leaves a response that must close to node: Connection: close, HTTP/1.0', async () => {
    const { port } = await pair();
    const close = await talk(port, GET('/raw?date', 'Connection: close\r\n'), 1, true);
    assert.match(close.responses[0]!, /\r\nConnection: close\r\n/);
    assert.equal(close.closed, true);
    const old = await talk(port, 'GET /raw?date HTTP/1.0\r\n\r\n', 1, true);
    assert.match(old.responses[0]!, /\r\nConnection: close\r\n/);
    assert.equal(old.closed, true);
  });

  it('refuses what node would refuse, and statuses without a body', () => {
    const res = socketless();
    const kres = res as KeelResponse;
    const state = res as unknown as { shouldKeepAlive: boolean; _keepAliveTimeout: number };
    assert.equal(rawWritable(kres), true);
    state.shouldKeepAlive = false;
    assert.equal(rawWritable(kres), false, 'a response that closes its connection');
    state.shouldKeepAlive = true;
    assert.equal(renderRaw(kres, 200, ['x-bad', 'a\nb'], 'x-request-id', 0, BODY), null);
    assert.equal(renderRaw(kres, 200, ['bad name', 'v'], 'x-request-id', 0, BODY), null);
    assert.equal(renderRaw(kres, 204, [], 'x-request-id', 0, BODY), null);
    assert.equal(
      renderRaw(kres, 200, ['Connection', 'close', 'Content-Length', '1'], 'x-request-id', 0, BODY),
      null,
    );
    assert.equal(renderRaw(kres, 200, ['Transfer-Encoding', 'chunked'], 'x-request-id', 0, BODY), null);
    assert.equal(
      renderRaw(kres, 200, ['Content-Type', 'text/plain'], 'x-request-id', 0, BODY),
      null,
      'no length',
    );
    assert.notEqual(renderRaw(kres, 200, FIELDS, 'x-request-id', 0, BODY), null);
    res.writeHead(200, []);
    assert.equal(rawWritable(kres), false, 'a head is already stored');
  });
});

describe('raw hit: HotRenders', () => {
  it('keeps the renders of one second, at most max of them', () => {
    const hot = new HotRenders(2);
    const res = socketless();
    const r = renderRaw(res as KeelResponse, 200, FIELDS, 'x-request-id', 10, BODY)!;
    const [a, b, c] = [{}, {}, {}];
    assert.equal(hot.get(a, 10), undefined);
    hot.set(a, r);
    hot.set(b, r);
    hot.set(c, r);
    assert.equal(hot.size, 2);
    assert.equal(hot.get(a, 10), r);
    assert.equal(hot.get(c, 10), undefined);
    assert.equal(hot.get(a, 11), undefined, 'a new second starts empty');
    assert.equal(hot.size, 0);
    hot.set(b, null);
    assert.equal(hot.get(b, 11), null, 'a refusal is remembered for the second');
    assert.equal(hot.get(b, 12), undefined);
  });

  it('a render fits the same fields, id field and keep-alive settings only', () => {
    const res = socketless();
    const state = res as unknown as { _keepAliveTimeout: number; _maxRequestsPerSocket: number | undefined };
    const kres = res as KeelResponse;
    const r = renderRaw(kres, 200, FIELDS, 'x-request-id', 10, BODY)!;
    assert.equal(r.fits(FIELDS, 'x-request-id', kres), true);
    assert.equal(
      r.fits([...FIELDS], 'x-request-id', kres),
      false,
      'another fields array: another age or ttl',
    );
    assert.equal(r.fits(FIELDS, 'x-trace', kres), false);
    state._maxRequestsPerSocket = 100;
    assert.equal(r.fits(FIELDS, 'x-request-id', kres), false);
    state._maxRequestsPerSocket = undefined;
    state._keepAliveTimeout = 7000;
    assert.equal(r.fits(FIELDS, 'x-request-id', kres), false);
    assert.match(r.prefix, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain; charset=latin1\r\n/);
    assert.ok(r.prefix.endsWith('\r\nx-request-id: '));
    assert.ok(r.suffix.startsWith('\r\nDate: Thu, 01 Jan 1970 00:00:10 GMT\r\nConnection: keep-alive\r\n'));
    assert.ok(r.suffix.endsWith(`\r\n\r\n${BODY.toString('latin1')}`));
  });
});

describe('raw hit: in the gateway', () => {
  it("answers a plain fresh GET hit through it (Date from Keel's clock), HEAD and ranges through writeHead", async () => {
    const r = await cacheRig();
    rigs.push(r);
    r.origin.script = {
      status: 200,
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'hello raw',
    };
    const miss = await r.get('/a');
    assert.equal(miss.status, 200);
    r.clock.advance(2500);
    const port = Number(new URL(r.url).port);
    // Two keep-alive hits on one connection, pipelined: both raw, one render.
    const get = GET('/a', '', new URL(r.url).host); // the cache key holds the host
    const [hit, again] = (await talk(port, get + get, 2)).responses as [string, string];
    const field = (m: string, name: string): string =>
      new RegExp(`\r\n${name}: ([^\r]*)\r\n`, 'i').exec(m)?.[1] ?? '';
    assert.match(hit, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(hit.endsWith('\r\n\r\nhello raw'));
    assert.equal(field(hit, 'cache-status'), 'keel; hit; ttl=57');
    assert.equal(field(hit, 'age'), '2');
    assert.match(field(hit, 'x-request-id'), /^[0-9a-f-]{36}$/);
    // The origin sent no Date; the raw hit's is the gateway clock's second (a manual clock here),
    // where node's ordinary path writes its wall clock.
    assert.equal(field(hit, 'date'), new Date(r.clock.now() - 500).toUTCString());
    assert.equal(field(again, 'date'), field(hit, 'date'));
    assert.notEqual(field(again, 'x-request-id'), field(hit, 'x-request-id'));
    assert.equal(field(hit, 'connection'), 'keep-alive');
    // Through writeHead: a client closing its connection (send() has no agent), HEAD, a range.
    const closing = await r.get('/a');
    assert.equal(closing.status, 200);
    assert.equal(closing.body, 'hello raw');
    assert.equal(closing.headers['cache-status'], 'keel; hit; ttl=57');
    assert.notEqual(closing.headers.date, field(hit, 'date'), 'node wrote the Date of its wall clock');
    const head = await send(`${r.url}/a`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['cache-status'], 'keel; hit; ttl=57');
    const ranged = await r.get('/a', { range: 'bytes=0-4' });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.body, 'hello');
    const done = r.events('request.done');
    assert.deepEqual(
      done.map((e) => [e.status, e.cache]),
      [
        [200, 'miss'],
        [200, 'hit'],
        [200, 'hit'],
        [200, 'hit'],
        [200, 'hit'],
        [206, 'hit'],
      ],
    );
    assert.equal(r.origin.seen.length, 1);
  });
});
