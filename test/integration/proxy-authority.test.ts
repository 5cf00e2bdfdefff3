/**
 * One authority per request, valid Host, normalised paths and the HTTP version, on raw sockets
 * against a running gateway and two recording upstreams (docs/security.md, "The data plane").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pool, type Running, startGateway } from './proxy-util.js';
import { exchange, header, parseResponses, RecordingUpstream, type Seen, seenHeader } from './raw-http.js';

function named(name: string): RecordingUpstream {
  const up = new RecordingUpstream();
  up.answer = (req, res) => {
    const text = `${name} ${req.method} ${req.url}`;
    res.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'max-age=60',
    });
    res.end(text);
  };
  return up;
}

/** One request on its own connection; its answer, parsed (and whether the gateway closed). */
async function one(port: number, bytes: string) {
  const { data, closed } = await exchange(port, bytes, 1500);
  const p = parseResponses(data);
  assert.equal(p.error, '', data.toString('latin1'));
  assert.equal(p.responses.length, 1, data.toString('latin1'));
  return { r: p.responses[0]!, closed, text: p.responses[0]!.body.toString() };
}

const get = (target: string, host: string | null, extra = '', version = 'HTTP/1.1') =>
  `GET ${target} ${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}${extra}Connection: close\r\n\r\n`;

describe('one authority per request, valid Host, normalised paths', () => {
  let a: RecordingUpstream;
  let b: RecordingUpstream;
  let g: Running;
  const seen = (): Seen[] => [...a.seen, ...b.seen];

  before(async () => {
    a = await named('a').listen();
    b = await named('b').listen();
    g = await startGateway({
      pools: { ...pool('a', [a]), ...pool('b', [b]) },
      routes: [
        { name: 'site-a', match: { host: 'a.example' }, pool: 'a', cache: {} },
        { name: 'site-b', match: { host: 'b.example' }, pool: 'b', cache: {} },
        { name: 'public', match: { path_prefix: '/public' }, pool: 'a' },
        { name: 'ws', match: { path_prefix: '/ws' }, pool: 'b' },
      ],
    });
  });
  after(async () => {
    await g.close();
    await a.close();
    await b.close();
  });

  it("routes, keys and forwards an absolute-form request by the target's authority, not Host (RFC 9112 §3.2.2)", async () => {
    const poison = await one(g.port, get('http://B.Example/page', 'a.example'));
    assert.equal(poison.text, 'b GET /page');
    assert.equal(a.seen.length, 0, 'pool A never saw it');
    const up = b.seen.at(-1)!;
    assert.deepEqual(seenHeader(up, 'host'), ['b.example']);
    assert.deepEqual(seenHeader(up, 'x-forwarded-host'), ['b.example']);
    // A plain request for a.example is not answered with what pool B stored.
    const plain = await one(g.port, get('/page', 'a.example'));
    assert.equal(plain.text, 'a GET /page');
    assert.equal(a.seen.length, 1);
    // B's answer was stored under B's key: the same URL asked of b.example is a hit.
    const hits = b.seen.length;
    const again = await one(g.port, get('/page', 'b.example'));
    assert.equal(again.text, 'b GET /page');
    assert.equal(b.seen.length, hits, 'served from the cache');
  });

  it('refuses a Host that is not host[:port] with 400 and closes; nothing reaches an upstream', async () => {
    const before = seen().length;
    for (const host of [
      'x.test/static',
      'a@b',
      'a b',
      '',
      'a.example:99999',
      'a..example',
      'a.example,b.example',
    ]) {
      const { r, closed } = await one(g.port, get('/public/x', host));
      assert.equal(r.status, 400, host);
      assert.equal(header(r, 'x-keel-error'), 'KEEL_ERR_BAD_REQUEST', host);
      assert.equal(header(r, 'connection'), 'close', host);
      assert.ok(closed, host);
    }
    // HTTP/1.1 requires Host, also with an absolute-form target; two Host lines are refused.
    for (const bytes of [
      get('/public/x', null),
      get('http://a.example/x', null),
      'GET /public/x HTTP/1.1\r\nHost: a.example\r\nHost: a.example\r\n\r\n',
      get('http://user@c.example/x', 'a.example'),
      get('ftp://a.example/x', 'a.example'),
    ]) {
      const { r } = await one(g.port, bytes);
      assert.equal(r.status, 400, bytes);
    }
    assert.equal(seen().length, before);
  });

  it('normalises the authority: case, default port and a trailing dot, for routing, the key and Host', async () => {
    const first = await one(g.port, get('/norm', 'A.Example.:80'));
    assert.equal(first.text, 'a GET /norm');
    assert.deepEqual(seenHeader(a.seen.at(-1)!, 'host'), ['a.example']);
    const count = a.seen.length;
    const second = await one(g.port, get('/norm', 'a.example'));
    assert.equal(second.text, 'a GET /norm');
    assert.equal(a.seen.length, count, 'the same key: a cache hit');
    // A port that is not the default stays, in Host and in the key.
    await one(g.port, get('/norm', 'a.example:8080'));
    assert.deepEqual(seenHeader(a.seen.at(-1)!, 'host'), ['a.example:8080']);
    assert.equal(a.seen.length, count + 1);
  });

  it('decodes percent-encoded dots before routing, and forwards the normalised path (RFC 3986 §6.2.2)', async () => {
    for (const target of [
      '/public/%2e%2e/ws/x',
      '/public/%2E%2E/ws/x',
      '/public/.%2e/ws/x',
      '/public/%2e./ws/x',
    ]) {
      const { text } = await one(g.port, get(target, 'c.example'));
      assert.equal(text, 'b GET /ws/x', target);
    }
    // Without a route for the normalised path it is a 404, exactly as "/public/../internal/x".
    for (const target of ['/public/%2e%2e/internal/x', '/public/../internal/x']) {
      const { r } = await one(g.port, get(target, 'c.example'));
      assert.equal(r.status, 404, target);
      assert.equal(header(r, 'x-keel-error'), 'KEEL_ERR_ROUTE_NOT_FOUND');
    }
    // An encoded "/" is data, not a separator: it stays encoded; encoded unreserved letters do not.
    assert.equal(
      (await one(g.port, get('/public/a%2fb?q=%2e', 'c.example'))).text,
      'a GET /public/a%2Fb?q=%2e',
    );
    assert.equal((await one(g.port, get('/public/%7euser', 'c.example'))).text, 'a GET /public/~user');
    const bad = await one(g.port, get('/public/%zz', 'c.example'));
    assert.equal(bad.r.status, 400);
  });

  it('answers 505 to another HTTP major version, 400 to a minor version the parser refuses', async () => {
    const before = seen().length;
    for (const version of ['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9']) {
      const { r, closed } = await one(g.port, get('/public/x', 'a.example', '', version));
      assert.equal(r.status, 505, version);
      assert.equal(header(r, 'x-keel-error'), 'KEEL_ERR_HTTP_VERSION', version);
      assert.ok(closed, version);
    }
    const minor = await one(g.port, get('/public/x', 'a.example', '', 'HTTP/1.2'));
    assert.equal(minor.r.status, 400);
    assert.equal(seen().length, before);
  });
});
