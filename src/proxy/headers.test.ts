import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emptyRequestHead,
  type HeaderRules,
  newRequestId,
  type RequestHead,
  saneRequestId,
  scanRequestHeaders,
} from './headers.js';
import { responseHeaders } from './response-headers.js';
import { TrustedProxies } from './trust.js';

const rules = (trusted: string[] = []): HeaderRules => ({
  trusted: new TrustedProxies(trusted),
  via: '1.1 keel',
  requestIdHeader: 'x-request-id',
});
const head = emptyRequestHead;
function scan(
  raw: string[],
  peer = '203.0.113.9',
  r = rules(),
): RequestHead & { map: Map<string, string[]> } {
  const h = head();
  scanRequestHeaders(raw, peer, r, h);
  const map = new Map<string, string[]>();
  for (let i = 0; i < h.upHeaders.length; i += 2) {
    const k = h.upHeaders[i]!.toLowerCase();
    map.set(k, [...(map.get(k) ?? []), h.upHeaders[i + 1]!]);
  }
  return { ...h, map };
}

describe('request headers', () => {
  it('removes hop-by-hop fields and those named in Connection (RFC 9110 §7.6.1)', () => {
    const h = scan([
      'Host',
      'a.test',
      'Connection',
      'keep-alive, X-Secret , Upgrade',
      'X-Secret',
      's',
      'Keep-Alive',
      'timeout=5',
      'TE',
      'trailers',
      'Trailer',
      'x',
      'Upgrade',
      'websocket',
      'Proxy-Authorization',
      'Basic x',
      'Proxy-Connection',
      'keep-alive',
      'Accept',
      '*/*',
    ]);
    for (const k of [
      'connection',
      'x-secret',
      'keep-alive',
      'te',
      'trailer',
      'upgrade',
      'proxy-authorization',
      'proxy-connection',
    ]) {
      assert.equal(h.map.has(k), false, k);
    }
    assert.deepEqual(h.map.get('accept'), ['*/*']);
    assert.deepEqual(h.map.get('host'), ['a.test']);
    assert.equal(h.host, 'a.test');
  });

  it('replaces forwarding headers from an untrusted peer', () => {
    const h = scan(
      [
        'Host',
        'a.test',
        'X-Forwarded-For',
        '1.2.3.4',
        'X-Forwarded-Proto',
        'https',
        'X-Forwarded-Host',
        'evil',
        'Forwarded',
        'for=1.2.3.4',
      ],
      '::ffff:198.51.100.7',
    );
    assert.deepEqual(h.map.get('x-forwarded-for'), ['198.51.100.7']);
    assert.deepEqual(h.map.get('x-forwarded-proto'), ['http']);
    assert.deepEqual(h.map.get('x-forwarded-host'), ['a.test']);
    assert.equal(h.map.has('forwarded'), false);
  });

  it('appends to forwarding headers from a trusted proxy (CIDR, v4-mapped peer)', () => {
    const r = rules(['10.0.0.0/8', '::1']);
    const raw = [
      'Host',
      'a.test',
      'X-Forwarded-For',
      '1.2.3.4',
      'x-forwarded-for',
      '5.6.7.8',
      'X-Forwarded-Proto',
      'https',
      'X-Forwarded-Host',
      'www.a.test',
    ];
    const h = scan(raw, '::ffff:10.1.2.3', r);
    assert.deepEqual(h.map.get('x-forwarded-for'), ['1.2.3.4, 5.6.7.8, 10.1.2.3']);
    assert.deepEqual(h.map.get('x-forwarded-proto'), ['https']);
    assert.deepEqual(h.map.get('x-forwarded-host'), ['www.a.test']);
    assert.deepEqual(scan(raw, '::1', r).map.get('x-forwarded-for'), ['1.2.3.4, 5.6.7.8, ::1']);
    assert.deepEqual(scan(raw, '11.0.0.1', r).map.get('x-forwarded-for'), ['11.0.0.1']);
  });

  it('appends Via (RFC 9110 §7.6.3)', () => {
    assert.deepEqual(scan(['Host', 'a', 'Via', '1.0 fred']).map.get('via'), ['1.0 fred, 1.1 keel']);
    assert.deepEqual(scan(['Host', 'a']).map.get('via'), ['1.1 keel']);
  });

  it('passes a sane request id through and generates one otherwise', () => {
    assert.equal(scan(['Host', 'a', 'X-Request-Id', 'abc-123']).requestId, 'abc-123');
    const gen = scan(['Host', 'a', 'X-Request-Id', 'bad id\u0001']);
    assert.match(gen.requestId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(gen.map.get('x-request-id'), [gen.requestId]);
    assert.equal(saneRequestId('x'.repeat(201)), false);
  });

  it('generates UUID-shaped ids (version 8, RFC 9562 §5.8) that do not repeat', () => {
    const seen = new Set<string>();
    const prefixes = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const id = newRequestId();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
      prefixes.add(id.slice(0, 24));
    }
    assert.equal(seen.size, 50_000);
    assert.equal(prefixes.size, 1); // the per-process random part
    // The sequence number is scrambled: consecutive ids do not count up in their last group.
    const tail = (id: string) => Number.parseInt(id.slice(24), 16);
    const a = tail(newRequestId());
    const b = tail(newRequestId());
    assert.notEqual(b - a, 1);
  });

  it('recognises handled fields in any case, and forwards the others with their spelling', () => {
    const h = scan([
      'HOST',
      'a.test',
      'X-REQUEST-ID',
      'abc',
      'VIA',
      '1.0 p',
      'tE',
      'trailers',
      'Content-Type', // as long as x-request-id
      'text/plain',
      'User-Agent', // as long as connection
      'ua',
      'X-Forwarded-FOR',
      '1.2.3.4',
    ]);
    assert.equal(h.host, 'a.test');
    assert.equal(h.requestId, 'abc');
    assert.deepEqual(h.map.get('via'), ['1.0 p, 1.1 keel']);
    assert.equal(h.map.has('te'), false);
    assert.deepEqual(h.map.get('x-forwarded-for'), ['203.0.113.9']);
    assert.deepEqual(h.upHeaders.slice(0, 6), [
      'HOST',
      'a.test',
      'Content-Type',
      'text/plain',
      'User-Agent',
      'ua',
    ]);
  });

  it('finds a configured request id header whatever its first character', () => {
    const r = { ...rules(), requestIdHeader: '_rid' };
    const h = scan(['Host', 'a', '_RID', 'from-client'], '203.0.113.9', r);
    assert.equal(h.requestId, 'from-client');
    assert.deepEqual(h.map.get('_rid'), ['from-client']);
  });

  it('detects ambiguous framing (RFC 9112 §6.3)', () => {
    assert.equal(
      scan(['Host', 'a', 'Content-Length', '3', 'Transfer-Encoding', 'chunked']).framing,
      'KEEL_ERR_REQUEST_SMUGGLING',
    );
    assert.equal(
      scan(['Host', 'a', 'Content-Length', '3', 'Content-Length', '4']).framing,
      'KEEL_ERR_REQUEST_SMUGGLING',
    );
    assert.equal(scan(['Host', 'a', 'Content-Length', '+3']).framing, 'KEEL_ERR_REQUEST_SMUGGLING');
    assert.equal(scan(['Host', 'a', 'Transfer-Encoding', 'gzip']).framing, 'KEEL_ERR_REQUEST_SMUGGLING');
    assert.equal(
      scan(['Host', 'a', 'Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked']).framing,
      'KEEL_ERR_REQUEST_SMUGGLING',
    );
    assert.equal(scan(['Host', 'a', 'Host', 'b']).framing, 'KEEL_ERR_BAD_REQUEST');
    const same = scan(['Host', 'a', 'Content-Length', '3', 'Content-Length', '3']);
    assert.equal(same.framing, '');
    assert.deepEqual(same.map.get('content-length'), ['3']);
    const chunked = scan(['Host', 'a', 'Transfer-Encoding', 'Chunked']);
    assert.equal(chunked.framing, '');
    assert.equal(chunked.chunked, true);
    assert.equal(chunked.map.has('transfer-encoding'), false);
  });

  it('validates Host and forwards the normalised authority, in Host and X-Forwarded-Host (RFC 9112 §3.2)', () => {
    const h = scan(['Host', 'A.Example.:80']);
    assert.equal(h.framing, '');
    assert.equal(h.host, 'a.example');
    assert.deepEqual(h.map.get('host'), ['a.example']);
    assert.deepEqual(h.map.get('x-forwarded-host'), ['a.example']);
    for (const bad of ['x.test/static', 'a@b', 'a b', 'a..b', 'a:99999']) {
      assert.equal(scan(['Host', bad]).framing, 'KEEL_ERR_BAD_REQUEST', bad);
    }
    // An empty first Host line still counts: a second one is refused.
    assert.equal(scan(['Host', '', 'Host', 'b']).framing, 'KEEL_ERR_BAD_REQUEST');
    // Found first, a smuggling attempt keeps its own code.
    assert.equal(
      scan(['Content-Length', '1', 'Content-Length', '2', 'Host', 'a/b']).framing,
      'KEEL_ERR_REQUEST_SMUGGLING',
    );
  });

  it('requires Host when asked (HTTP/1.1), and takes an empty one only from HTTP/1.0', () => {
    const required = (raw: string[]) => {
      const h = head();
      scanRequestHeaders(raw, '203.0.113.9', rules(), h, 80, true);
      return h;
    };
    assert.equal(required([]).framing, 'KEEL_ERR_BAD_REQUEST');
    assert.equal(required(['Host', '']).framing, 'KEEL_ERR_BAD_REQUEST');
    assert.equal(required(['Host', 'a']).framing, '');
    const old = scan(['Host', '']);
    assert.equal(old.framing, '');
    assert.equal(old.host, '');
    assert.equal(old.map.has('host'), false);
  });

  it("sends an absolute-form target's authority in place of Host (RFC 9112 §3.2.2)", () => {
    const withHost = head();
    withHost.host = 'b.example';
    scanRequestHeaders(['Host', 'a.example', 'Accept', '*/*'], '203.0.113.9', rules(), withHost, 80, true);
    assert.equal(withHost.framing, '');
    assert.equal(withHost.host, 'b.example');
    assert.deepEqual(withHost.upHeaders.slice(0, 2), ['Host', 'b.example']);
    assert.ok(!withHost.upHeaders.includes('a.example'), 'the Host field value is not forwarded anywhere');
    // HTTP/1.0 may send none: the authority is sent as Host all the same.
    const without = head();
    without.host = 'b.example';
    scanRequestHeaders(['Accept', '*/*'], '203.0.113.9', rules(), without);
    assert.equal(without.upHeaders.filter((v) => v === 'host').length, 1);
    assert.equal(without.upHeaders[without.upHeaders.indexOf('host') + 1], 'b.example');
    // The Host field is still checked: an invalid one is a 400 whatever the target says.
    const bad = head();
    bad.host = 'b.example';
    scanRequestHeaders(['Host', 'a/b'], '203.0.113.9', rules(), bad, 80, true);
    assert.equal(bad.framing, 'KEEL_ERR_BAD_REQUEST');
  });

  it('drops the default port of the listener it is told', () => {
    const h = head();
    scanRequestHeaders(['Host', 'a.example:443'], '203.0.113.9', rules(), h, 443);
    assert.equal(h.host, 'a.example');
    assert.equal(scan(['Host', 'a.example:443']).host, 'a.example:443');
  });
});

describe('response headers', () => {
  const b = (...s: string[]) => s.map((x) => Buffer.from(x, 'latin1'));
  it('drops hop-by-hop and Connection-named fields, appends Via and the request id', () => {
    const out = responseHeaders(
      b(
        'Content-Type',
        'text/plain',
        'Connection',
        'keep-alive, X-Hop',
        'X-Hop',
        '1',
        'Transfer-Encoding',
        'chunked',
        'Keep-Alive',
        'timeout=5',
        'Via',
        '1.1 up',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'X-Request-Id',
        'other',
      ),
      rules(),
      'rid',
      false,
    );
    assert.deepEqual(out, [
      'Content-Type',
      'text/plain',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'via',
      '1.1 up, 1.1 keel',
      'x-request-id',
      'rid',
    ]);
  });
  it('reuses decoded names and values only for the same bytes', () => {
    const head = (date: string, type: string) =>
      responseHeaders(
        b('Date', date, 'Content-Type', type, 'connection', 'close', 'CONNECTION', 'keep-alive'),
        rules(),
        'r',
        false,
      );
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(head('Fri, 27 Nov 2026 12:00:00 GMT', 'text/plain').slice(0, 4), [
        'Date',
        'Fri, 27 Nov 2026 12:00:00 GMT',
        'Content-Type',
        'text/plain',
      ]);
      assert.deepEqual(head('Fri, 27 Nov 2026 12:00:01 GMT', 'text/html').slice(0, 4), [
        'Date',
        'Fri, 27 Nov 2026 12:00:01 GMT',
        'Content-Type',
        'text/html',
      ]);
    }
    // Same length, other bytes; and a long value that is not kept.
    const long = 'x'.repeat(100);
    assert.deepEqual(responseHeaders(b('Dath', 'v', 'Date', long), rules(), 'r', false).slice(0, 4), [
      'Dath',
      'v',
      'Date',
      long,
    ]);
    assert.deepEqual(responseHeaders(b('Date', `${long}y`), rules(), 'r', false).slice(0, 2), [
      'Date',
      `${long}y`,
    ]);
    // Two names alike in length, first, middle and last byte: each still comes out as sent.
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(responseHeaders(b('Xab-cZ', '1', 'Xcb-aZ', '2'), rules(), 'r', false).slice(0, 4), [
        'Xab-cZ',
        '1',
        'Xcb-aZ',
        '2',
      ]);
    }
    const longName = `X-${'n'.repeat(60)}`;
    assert.deepEqual(responseHeaders(b(longName, '1'), rules(), 'r', false).slice(0, 2), [longName, '1']);
  });

  it('adds Connection: close while draining and keeps latin1 bytes', () => {
    const out = responseHeaders([Buffer.from('X-Name'), Buffer.from([0x63, 0xe9])], rules(), 'r', true);
    assert.deepEqual(out, [
      'X-Name',
      'c\u00e9',
      'via',
      '1.1 keel',
      'x-request-id',
      'r',
      'connection',
      'close',
    ]);
  });
});

describe('the listener in the request head', () => {
  it('sends the listener scheme as X-Forwarded-Proto, unless a trusted proxy sent one', () => {
    const h = head();
    scanRequestHeaders(['host', 'a.test'], '203.0.113.9', rules(), h, 443, true, 'https');
    assert.equal(h.upHeaders[h.upHeaders.indexOf('x-forwarded-proto') + 1], 'https');
    const t = head();
    scanRequestHeaders(
      ['host', 'a.test', 'x-forwarded-proto', 'http'],
      '10.0.0.1',
      rules(['10.0.0.0/8']),
      t,
      443,
      true,
      'https',
    );
    assert.equal(t.upHeaders[t.upHeaders.indexOf('x-forwarded-proto') + 1], 'http');
  });
});
