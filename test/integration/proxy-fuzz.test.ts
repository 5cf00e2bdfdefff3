/**
 * A bounded fuzz of raw requests (fast-check, the fixed seed of scripts/fc-seed.mjs): request
 * lines, Host and absolute-form mixes, Content-Length / Transfer-Encoding framings sound and
 * hostile, bad bytes, upgrades and pipelined sequences, written whole or split. Each run checks
 * that nothing crashed and nothing desynchronised:
 * - the client gets well-framed answers, never more than it sent requests (counted by framing),
 *   in the order it sent them, each the upstream's answer to that very request; a run of sound
 *   requests gets one answer each, or the connection closes;
 * - every request the upstream sees is one the client sent, once, in order, with the body the
 *   client framed, and the upstream's own strict parser never refuses what the gateway sends;
 * - the gateway keeps serving, and nothing stays in flight.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { pool, type Running, send, startGateway, waitFor } from './proxy-util.js';
import { header, parseResponses, RecordingUpstream, type Session, seenHeader, session } from './raw-http.js';

/** What one generated request is made of. */
interface Spec {
  method: string;
  target: string;
  version: string;
  hosts: readonly string[];
  framing: Framing;
  extra: string[];
}

type Framing =
  | { kind: 'none' }
  | { kind: 'cl'; n: number }
  | { kind: 'cl-long'; n: number; smuggle: boolean }
  | { kind: 'cl-short'; n: number }
  | { kind: 'chunked'; sizes: number[]; te: string }
  | { kind: 'chunked-bad'; body: string }
  | { kind: 'cl+te'; n: number }
  | { kind: 'dup-cl'; a: number; b: number }
  | { kind: 'cl-odd'; value: string };

/** Mostly `good`, sometimes `bad`: a run should reach the upstream often, and be hostile often. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, badWeight = 1): fc.Arbitrary<T> {
  return fc.oneof({ weight: 10, arbitrary: good }, { weight: badWeight, arbitrary: bad });
}

const HOSTS = ['a.example', 'A.Example.:80', 'b.example:8080', '[::1]:81', '10.0.0.1'];
const BAD_HOSTS = ['x.test/static', 'a@b', '', 'a b', 'a..b', '\xe4.example', 'a,b'];
const host = mostly(fc.constantFrom(...HOSTS), fc.constantFrom(...BAD_HOSTS), 2);
const segment = mostly(
  fc.constantFrom('a', 'b', 'api', '.', '..', '%2e', '%2E%2e', '.%2e', '%2F', '%41', '~', ';x=1'),
  fc.constantFrom('%zz', '%'),
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 4 }), fc.constantFrom('', '', '?q=1', '?a=%2e&b', '?x=/../y'))
  .map(([s, q]) => `/${s.join('/')}${q}`);
const target = fc.oneof(
  { weight: 16, arbitrary: path },
  { weight: 3, arbitrary: fc.tuple(host, path).map(([h, p]) => `http://${h}${p}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('*', 'http://', '//x/y', 'a/b', 'https://a.example', 'ftp://a.example/'),
  },
);
const method = mostly(
  fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
  fc.constantFrom('get', 'G T', 'CONNECT', 'PRI'),
);
const version = mostly(
  fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
  fc.constantFrom('HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'HTTP/1.1 ', 'http/1.1'),
);
const hosts: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 16, arbitrary: host.map((h) => [h]) },
  { weight: 1, arbitrary: fc.tuple(host, host) },
);
const TE = [
  'chunked',
  'Chunked',
  ' chunked',
  'chunked, chunked',
  'gzip, chunked',
  'chunked\x0b',
  'x-chunked',
];
const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 80 }).map((n) => ({ kind: 'cl' as const, n })) },
  {
    weight: 5,
    arbitrary: fc
      .record({
        sizes: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 3 }),
        te: mostly(fc.constant('chunked'), fc.constantFrom(...TE), 3),
      })
      .map((r) => ({ kind: 'chunked' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ n: fc.integer({ min: 0, max: 10 }), smuggle: fc.boolean() })
      .map((r) => ({ kind: 'cl-long' as const, ...r })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => ({ kind: 'cl-short' as const, n })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'zz\r\nabc\r\n0\r\n\r\n',
        '3\r\nabcd\r\n0\r\n\r\n',
        '3;x=y\r\nabc\r\n0\r\n\r\n',
        '3\nabc\n0\n\n',
        '-1\r\n',
      )
      .map((body) => ({ kind: 'chunked-bad' as const, body })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }).map((n) => ({ kind: 'cl+te' as const, n })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ a: fc.integer({ min: 0, max: 5 }), b: fc.integer({ min: 0, max: 5 }) })
      .map((r) => ({ kind: 'dup-cl' as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('+3', '3 ', '0x3', '03', '-1', '1e1', '3,3', '')
      .map((value) => ({ kind: 'cl-odd' as const, value })),
  },
);
const extraField = mostly(
  fc.constantFrom(
    ...['Connection: close', 'Connection: keep-alive', 'Expect: 100-continue', 'Accept: */*', 'Accept: */*'],
    ...['Connection: Upgrade\r\nUpgrade: websocket', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c'],
  ),
  fc.constantFrom(
    'X-Junk: a\x01b',
    'X-Junk: caf\xe9',
    'Bad Name: x',
    'X-Lf: a\nb',
    'X-Nul: a\x00b',
    ' Folded: x',
  ),
  2,
);
const spec: fc.Arbitrary<Spec> = fc.record({
  method,
  target,
  version,
  hosts,
  framing,
  extra: fc.array(extraField, { maxLength: 2 }),
});
const run = fc.record({
  requests: fc.array(fc.tuple(spec, fc.integer({ min: 0, max: 29 })), { minLength: 1, maxLength: 4 }),
  splits: fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 2 }),
});

const STANDARD = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
const PRINTABLE = 'abcdefghijklmnopqrstuvwxyz0123456789';
const bytesOf = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => PRINTABLE[(i * 7 + seed) % PRINTABLE.length]).join('');

/** One request in the stream the client sends, as HTTP framing counts it. */
interface Sent {
  id: string;
  method: string;
  /** The body as framed, when the whole request is sound; null otherwise. */
  body: string | null;
  sound: boolean;
}

/** Builds a run's bytes; `sent` lists its requests (heads and bodies that frame further ones). */
function build(requests: Array<[Spec, number]>, runId: number): { bytes: string; sent: Sent[] } {
  const sent: Sent[] = [];
  let bytes = '';
  requests.forEach(([s, lfRoll], i) => {
    const id = `fz${runId}-${i}`;
    const eol = lfRoll === 0 ? '\n' : '\r\n'; // one request in thirty ends its lines with a bare LF
    const lines = [`${s.method} ${s.target} ${s.version}`, `X-Request-Id: ${id}`];
    for (const h of s.hosts) lines.push(`Host: ${h}`);
    for (const e of s.extra) lines.push(e.replaceAll('\r\n', eol));
    let body = '';
    let framedBody: string | null = '';
    let smuggled: Sent | null = null;
    const f = s.framing;
    switch (f.kind) {
      case 'none':
        break;
      case 'cl':
        lines.push(`Content-Length: ${f.n}`);
        body = bytesOf(f.n, i);
        framedBody = body;
        break;
      case 'cl-long': {
        lines.push(`Content-Length: ${f.n}`);
        framedBody = bytesOf(f.n, i);
        const sid = `fz${runId}-${i}s`;
        // Bytes past the Content-Length: a request of their own by HTTP framing, or junk (which
        // the gateway may answer with a 400 as the request it tried to read).
        const tail = f.smuggle
          ? `GET /smuggled HTTP/1.1\r\nHost: a.example\r\nX-Request-Id: ${sid}\r\n\r\n`
          : 'JUNK\r\n\r\n';
        body = framedBody + tail;
        smuggled = f.smuggle
          ? { id: sid, method: 'GET', body: '', sound: true }
          : { id: sid, method: 'JUNK', body: null, sound: false };
        break;
      }
      case 'cl-short':
        lines.push(`Content-Length: ${f.n + 5}`);
        body = bytesOf(f.n, i);
        framedBody = null;
        break;
      case 'chunked': {
        lines.push(`Transfer-Encoding: ${f.te}`);
        framedBody = f.sizes.map((n, k) => bytesOf(n, k)).join('');
        body = `${f.sizes.map((n, k) => `${n.toString(16)}\r\n${bytesOf(n, k)}\r\n`).join('')}0\r\n\r\n`;
        if (f.te !== 'chunked') framedBody = null;
        break;
      }
      case 'chunked-bad':
        lines.push('Transfer-Encoding: chunked');
        body = f.body;
        framedBody = null;
        break;
      case 'cl+te':
        lines.push(`Content-Length: ${f.n}`, 'Transfer-Encoding: chunked');
        body = '0\r\n\r\n';
        framedBody = null;
        break;
      case 'dup-cl':
        lines.push(`Content-Length: ${f.a}`, `Content-Length: ${f.b}`);
        body = bytesOf(Math.max(f.a, f.b), i);
        framedBody = f.a === f.b ? body : null;
        break;
      case 'cl-odd':
        lines.push(`Content-Length: ${f.value}`);
        body = 'abc';
        framedBody = null;
        break;
    }
    const sound =
      framedBody !== null &&
      eol === '\r\n' &&
      STANDARD.has(s.method) &&
      (s.version === 'HTTP/1.1' || s.version === 'HTTP/1.0') &&
      s.hosts.length <= 1 &&
      s.hosts.every((h) => HOSTS.includes(h)) &&
      s.extra.every((e) => /^(Connection: (close|keep-alive)|Expect: 100-continue|Accept: \*\/\*)$/.test(e));
    sent.push({ id, method: s.method, body: sound ? framedBody : null, sound });
    if (smuggled !== null) sent.push(smuggled);
    bytes += `${lines.join(eol)}${eol}${eol}${body}`;
  });
  return { bytes, sent };
}

/** Waits until `done` holds, the gateway closes, or `ms` pass: on events, with a cap. */
async function settle(s: Session, done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!s.isClosed() && !done() && Date.now() < end) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      once(s.socket, 'data'),
      s.closed,
      new Promise((r) => {
        timer = setTimeout(r, Math.max(1, end - Date.now()));
      }),
    ]);
    clearTimeout(timer);
  }
}

describe('fuzzed raw requests: no crash, no desync', () => {
  let up: RecordingUpstream;
  let g: Running;

  before(async () => {
    up = await new RecordingUpstream().listen();
    up.answer = (req, res, body) => {
      const id = String(req.headers['x-request-id'] ?? '');
      const text = `id=${id} ${req.method} ${req.url} ${body.length}`;
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(text),
        'x-echo-id': id,
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    // Upgrades are refused by the upstream: the gateway relays that and closes.
    up.onUpgrade = (_req, socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    };
    g = await startGateway({
      pools: pool('up', [up]),
      routes: [{ name: 'all', pool: 'up', timeout: '400ms', max_body_bytes: 64, retry: { enabled: false } }],
      limits: { max_header_bytes: 4096, max_url_length: 200 },
      client: { headers_timeout: '300ms' },
    });
  });
  after(async () => {
    await g.close();
    await up.close();
  });

  it('keeps every answer well framed and in order, and the upstream in step', async (t) => {
    let runId = 0;
    /** Every request id any run sent: a straggler of an earlier run is still one the client sent. */
    const allSent = new Set<string>();
    const stats = { requests: 0, answers: 0, upstream: 0, closed: 0, statuses: new Map<number, number>() };
    await fc.assert(
      fc.asyncProperty(run, async ({ requests, splits }) => {
        const id = runId++;
        const { bytes, sent } = build(requests, id);
        const byId = new Map(sent.map((s, i) => [s.id, { ...s, at: i }]));
        for (const x of sent) allSent.add(x.id);
        const upBefore = up.seen.length;
        const buf = Buffer.from(bytes, 'latin1');
        const cuts = [...new Set(splits.filter((c) => c < buf.length))].sort((x, y) => x - y);
        const s = session(g.port);
        let from = 0;
        for (const cut of [...cuts, buf.length]) {
          s.socket.write(buf.subarray(from, cut));
          from = cut;
          await new Promise((r) => setImmediate(r));
        }
        const noBody = (_i: number, r: Parameters<typeof header>[0]) =>
          byId.get(header(r, 'x-request-id') ?? '')?.method === 'HEAD';
        const parsed = () => parseResponses(s.data(), noBody);
        await settle(s, () => parsed().error !== '' || parsed().responses.length >= sent.length, 700);
        const gatewayClosed = s.isClosed();
        s.socket.destroy();
        const p = parsed();
        stats.requests += sent.length;
        stats.answers += p.responses.length;
        stats.upstream += up.seen.length - upBefore;
        if (gatewayClosed) stats.closed++;
        for (const r of p.responses) stats.statuses.set(r.status, (stats.statuses.get(r.status) ?? 0) + 1);
        const where = `\n--- sent:\n${JSON.stringify(bytes)}\n--- got:\n${JSON.stringify(s.data().toString('latin1'))}`;

        // The client's side: well framed, never more answers than requests, in order, each its own.
        assert.equal(p.error, '', where);
        assert.ok(p.responses.length <= sent.length, where);
        let last = -1;
        for (const r of p.responses) {
          const rid = header(r, 'x-request-id');
          const mine = rid === undefined ? undefined : byId.get(rid);
          if (mine !== undefined) {
            assert.ok(mine.at > last, `answers out of order${where}`);
            last = mine.at;
          }
          const echo = header(r, 'x-echo-id');
          if (echo !== undefined) assert.equal(echo, rid, `an answer for another request${where}`);
        }
        if (sent.every((x) => x.sound) && p.responses.length < sent.length) {
          assert.ok(gatewayClosed, `sound requests left unanswered on an open connection${where}`);
        }

        // The upstream's side: only requests the client sent, once each, in order, bodies intact.
        assert.deepEqual(up.parseErrors, [], where);
        let upLast = -1;
        for (const seen of up.seen.slice(upBefore)) {
          const rid = seenHeader(seen, 'x-request-id')[0] ?? '';
          assert.ok(allSent.has(rid), `the upstream saw a request the client never sent: ${rid}${where}`);
          const mine = byId.get(rid);
          if (mine === undefined) continue; // an earlier run's, cut when that run ended
          assert.ok(mine.at > upLast, `the upstream saw requests out of order or twice${where}`);
          upLast = mine.at;
          if (mine.body !== null && !seen.upgrade)
            assert.equal(seen.body.toString('latin1'), mine.body, where);
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    t.diagnostic(
      `${runId} runs, ${stats.requests} requests, ${stats.answers} answers (${[...stats.statuses].map(([k, v]) => `${k}×${v}`).join(' ')}), ` +
        `${stats.upstream} reached the upstream, ${stats.closed} connections closed by the gateway`,
    );
    // And the gateway still serves, with nothing left in flight.
    const ok = await send(`${g.url}/after`, { headers: { host: 'a.example' } });
    assert.equal(ok.status, 200);
    await waitFor(() => g.gw.inFlight() === 0, 'nothing in flight', 3000);
  });
});
