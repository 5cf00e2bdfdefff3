/**
 * A connection's pipelined requests are served one at a time, in order, with a bounded queue
 * (docs/proxying.md, "Pipelining"); exchanges never leak when a client half-closes; a parse
 * error never lands inside a response in flight.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { PIPELINE_QUEUE_MAX } from '../../src/proxy/connection.js';
import { pool, type Running, send, startGateway, waitFor } from './proxy-util.js';
import { header, parseResponses, RecordingUpstream, session } from './raw-http.js';

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: a.example\r\n\r\n`;

/** request.start minus request.done, as keel_requests_in_flight counts, and its peak. */
function inFlightGauge(g: Running) {
  let now = 0;
  let peak = 0;
  const offs = [
    g.bus.on('request.start', () => {
      now++;
      peak = Math.max(peak, now);
    }),
    g.bus.on('request.done', (e) => {
      if (e.route !== '') now--;
    }),
  ];
  return {
    now: () => now,
    peak: () => peak,
    off: () => {
      for (const off of offs) off();
    },
  };
}

describe('pipelining', () => {
  let up: RecordingUpstream;
  let g: Running;
  /** Requests the upstream is working on now, and the most at once. */
  let busy = 0;
  let peakBusy = 0;

  before(async () => {
    up = await new RecordingUpstream().listen();
    up.answer = (req, res) => {
      busy++;
      peakBusy = Math.max(peakBusy, busy);
      const ms = Number(/[?&]ms=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      const text = `${req.method} ${req.url}`;
      const stream = (req.url ?? '').startsWith('/stream');
      setTimeout(() => {
        if (stream) {
          // A chunked body in five parts, 40 ms apart: long enough to interrupt.
          res.writeHead(200, { 'content-type': 'text/plain' });
          let n = 0;
          const tick = setInterval(() => {
            res.write(`part-${n}\n`);
            if (++n === 5) {
              clearInterval(tick);
              busy--;
              res.end();
            }
          }, 40);
          return;
        }
        busy--;
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, ms);
    };
    g = await startGateway({
      pools: pool('up', [up], { concurrency: { max_in_flight: 24, max_queue: 4, queue_timeout: '2s' } }),
      routes: [{ name: 'all', pool: 'up' }],
      client: { headers_timeout: '300ms' },
    });
  });
  after(async () => {
    await g.close();
    await up.close();
  });

  it('answers pipelined requests in order, one at a time', async () => {
    peakBusy = 0;
    const s = session(g.port);
    s.socket.write(
      get('/p/1?ms=80') + get('/p/2?ms=0') + get('/p/3?ms=30') + get('/p/4?ms=0') + get('/p/5?ms=0'),
    );
    await waitFor(() => parseResponses(s.data()).responses.length === 5, 'five answers');
    const p = parseResponses(s.data());
    assert.equal(p.error, '');
    assert.deepEqual(
      p.responses.map((r) => r.body.toString()),
      ['GET /p/1?ms=80', 'GET /p/2?ms=0', 'GET /p/3?ms=30', 'GET /p/4?ms=0', 'GET /p/5?ms=0'],
    );
    assert.equal(peakBusy, 1, 'the upstream never saw two of them at once');
    s.socket.destroy();
  });

  it('a queued request whose body is still arriving gets it once its turn comes', async () => {
    const post = (path: string, body: string) =>
      `POST ${path} HTTP/1.1\r\nHost: a.example\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const s = session(g.port);
    // The second request's head is read with the first, its body only in part.
    s.socket.write(post('/b/1?ms=50', 'first') + post('/b/2?ms=0', 'second').slice(0, -4));
    await waitFor(() => up.seen.some((x) => x.url === '/b/1?ms=50'), 'the first request upstream');
    s.socket.write('cond');
    await waitFor(() => parseResponses(s.data()).responses.length === 2, 'both answers');
    assert.deepEqual(
      up.seen.filter((x) => x.url.startsWith('/b/')).map((x) => x.body.toString()),
      ['first', 'second'],
    );
    s.socket.destroy();
  });

  it('20 connections flooding pipelined GETs without reading hold one bulkhead slot each', async (t) => {
    peakBusy = 0;
    const gauge = inFlightGauge(g);
    const rss = process.memoryUsage().rss;
    let peakRss = rss;
    const sample = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    const flood = get('/flood?ms=20').repeat(1400);
    const clients = Array.from({ length: 20 }, () => {
      const s = session(g.port);
      s.socket.pause(); // never reads, for now
      s.socket.write(flood);
      return s;
    });
    try {
      await waitFor(() => gauge.peak() >= 20, 'every connection served');
      // Another client is still admitted: the bulkhead (24 slots, queue of 4) is not flooded.
      const other = await send(`${g.url}/other`, { headers: { host: 'a.example' } });
      assert.equal(other.status, 200, JSON.stringify(other.headers));
      assert.ok(gauge.peak() <= 21, `at most one exchange per connection, saw ${gauge.peak()}`);
      assert.ok(peakBusy <= 21, `the upstream saw ${peakBusy} at once`);
      // Each connection answers the request it served and those queued behind it, then closes;
      // the rest were never answered, and a client retries them (RFC 9112 §9.3.2).
      for (const c of clients) c.socket.resume();
      await Promise.all(clients.map((c) => c.closed));
      for (const c of clients) {
        const p = parseResponses(c.data());
        assert.equal(p.error, '');
        assert.equal(p.rest, 0);
        // The served one and the queue behind it (more only if a read split the flood early).
        assert.ok(p.responses.length >= PIPELINE_QUEUE_MAX + 1, String(p.responses.length));
        assert.ok(p.responses.length < 1400, String(p.responses.length));
        assert.ok(p.responses.every((r) => r.status === 200));
      }
      await waitFor(() => gauge.now() === 0 && g.gw.inFlight() === 0, 'nothing left in flight');
    } finally {
      clearInterval(sample);
      gauge.off();
      for (const c of clients) c.socket.destroy();
    }
    t.diagnostic(`peak RSS growth during the flood: ${Math.round((peakRss - rss) / 1e6)} MB`);
  });

  it('leaks no exchange when clients pipeline and half-close, and a drain is prompt', async () => {
    const g2 = await startGateway({ pools: pool('up', [up]), routes: [{ name: 'all', pool: 'up' }] });
    const gauge = inFlightGauge(g2);
    try {
      const clients = Array.from({ length: 50 }, (_, i) => {
        const s = session(g2.port);
        s.socket.end(get(`/h/${i}/1?ms=10`) + get(`/h/${i}/2?ms=0`) + get(`/h/${i}/3?ms=5`));
        return s;
      });
      await Promise.all(clients.map((c) => c.closed));
      for (const c of clients) {
        const p = parseResponses(c.data());
        assert.equal(p.error, '');
        assert.ok(p.responses.every((r) => r.status === 200));
      }
      await waitFor(() => g2.gw.inFlight() === 0 && gauge.now() === 0, 'in flight back to 0', 3000);
      const drained = await g2.gw.drain(10_000);
      assert.deepEqual(drained, { drained: true, remaining: 0 });
    } finally {
      gauge.off();
      await g2.close();
    }
  });

  it('a parse error while a response streams never writes into it: the connection closes after it', async () => {
    const s = session(g.port);
    s.socket.write(get('/stream/1'));
    await waitFor(() => s.data().includes('part-0'), 'the body started');
    s.socket.write('NOT HTTP\r\n\r\n');
    await s.closed;
    const p = parseResponses(s.data());
    assert.equal(p.error, '', s.data().toString('latin1'));
    assert.equal(p.rest, 0);
    assert.equal(p.responses.length, 1);
    assert.equal(p.responses[0]!.body.toString(), 'part-0\npart-1\npart-2\npart-3\npart-4\n');
  });

  it('nor into the answers queued behind it, and a header timeout behaves the same', async () => {
    // Two pipelined requests and garbage in one read: both are answered whole, then it closes.
    const s = session(g.port);
    s.socket.write(`${get('/stream/2') + get('/after?ms=0')}\x00\x01garbage\r\n\r\n`);
    await s.closed;
    const p = parseResponses(s.data());
    assert.equal(p.error, '');
    assert.deepEqual(
      p.responses.map((r) => r.status),
      [200, 200],
    );
    assert.equal(p.responses[1]!.body.toString(), 'GET /after?ms=0');
    // A request head left unfinished past client.headers_timeout (300 ms) while a response is
    // in flight (its head comes at 400 ms): no 408 is written into it.
    const t = session(g.port);
    t.socket.write(`${get('/stream/3?ms=400')}GET /late HTTP/1.1\r\nHost: a.exa`);
    await t.closed;
    const q = parseResponses(t.data());
    assert.equal(q.error, '');
    assert.equal(q.rest, 0);
    assert.equal(q.responses.length, 1);
    assert.equal(header(q.responses[0]!, 'x-keel-error'), undefined);
  });

  it('an upgrade pipelined behind a request waits for its answer, and keeps the bytes sent after it', async () => {
    const s = session(g.port);
    s.socket.write(
      `${get('/slow?ms=80')}GET /chat HTTP/1.1\r\nHost: a.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\npi`,
    );
    // More bytes while the upgrade waits (the first answer takes 80 ms): kept for the tunnel.
    await new Promise((r) => setImmediate(r));
    s.socket.write('ng');
    await waitFor(() => s.data().includes('ping'), 'the echo through the tunnel');
    s.socket.write('-pong');
    await waitFor(() => s.data().includes('ping-pong'), 'bytes sent after the switch');
    const text = s.data().toString('latin1');
    const first = parseResponses(s.data()).responses[0]!;
    assert.equal(first.body.toString(), 'GET /slow?ms=80');
    // The whole first answer, then the switch: nothing of one inside the other.
    const switched = text.indexOf('HTTP/1.1 101 ');
    assert.ok(switched > text.indexOf('GET /slow?ms=80'), text);
    assert.ok(text.endsWith('\r\n\r\nping-pong'), text);
    s.socket.destroy();
  });

  it('a parse error inside the body of the request being served is answered at once', async () => {
    const s = session(g.port);
    s.socket.write(
      'POST /chunked HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
    );
    await waitFor(() => g.gw.inFlight() === 1, 'the request in flight');
    s.socket.write('zz\r\n'); // not a chunk size
    await s.closed;
    const p = parseResponses(s.data());
    assert.equal(p.responses[0]?.status, 400, s.data().toString('latin1'));
    assert.equal(header(p.responses[0]!, 'x-keel-error'), 'KEEL_ERR_BAD_REQUEST');
    await waitFor(() => g.gw.inFlight() === 0, 'the exchange over');
  });

  it('a parse error on an idle connection still gets its 400', async () => {
    const s = session(g.port);
    s.socket.write(get('/idle?ms=0'));
    await waitFor(() => parseResponses(s.data()).responses.length === 1, 'the first answer');
    await waitFor(() => g.gw.inFlight() === 0, 'the exchange over');
    s.socket.write('NOT HTTP\r\n\r\n');
    await once(s.socket, 'close');
    const p = parseResponses(s.data());
    assert.deepEqual(
      p.responses.map((r) => r.status),
      [200, 400],
    );
  });
});
