/**
 * Micro benchmark of the header work of one proxied request: the request scan (forwarding fields,
 * request id), the response head for the client, and request id generation against
 * crypto.randomUUID. Every produced value goes through undici's header value check (the same
 * regular expression), as in the proxy, so a string that is cheap to build but a rope to flatten
 * is not flattered. Run: `npm run build && node dist/bench/micro/headers.js`. Prints the best of
 * several rounds in ns per operation; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  emptyRequestHead,
  type HeaderRules,
  newRequestId,
  scanRequestHeaders,
} from '../../src/proxy/headers.js';
import { responseHeaders } from '../../src/proxy/response-headers.js';
import { TrustedProxies } from '../../src/proxy/trust.js';

const ROUNDS = 10;
const N = 200_000;
const rules: HeaderRules = {
  trusted: new TrustedProxies([]),
  via: '1.1 keel',
  requestIdHeader: 'x-request-id',
};
// undici lib/core/util.js isValidHeaderValue
const invalidValue = /[^\t\x20-\x7e\x80-\xff]/;

function checked(values: string[]): number {
  let bad = 0;
  for (let i = 1; i < values.length; i += 2) if (invalidValue.test(values[i]!)) bad++;
  return bad;
}

const head = emptyRequestHead;

/** What wrk sends (bench/run.sh), and a browser's HTTP/1.1 request. */
const wrk = ['Host', '127.0.0.1:18700'];
const browser = [
  'Host',
  'shop.example.com',
  'Connection',
  'keep-alive',
  'User-Agent',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Accept',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Encoding',
  'gzip, deflate, br',
  'Accept-Language',
  'en-US,en;q=0.9',
  'Cookie',
  'sid=abc123; theme=dark',
  'Referer',
  'https://shop.example.com/',
];

/** An nginx response head as undici hands it over: Buffers viewing one socket chunk. */
function nginxHead(): Buffer[] {
  const text =
    'Server: nginx\r\nDate: Fri, 27 Nov 2026 12:53:55 GMT\r\nContent-Type: text/plain\r\n' +
    'Content-Length: 100\r\nConnection: keep-alive\r\n';
  const chunk = Buffer.from(text, 'latin1');
  const raw: Buffer[] = [];
  let at = 0;
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    raw.push(chunk.subarray(at, at + colon), chunk.subarray(at + colon + 2, at + line.length));
    at += line.length + 2;
  }
  return raw;
}
const nginx = nginxHead();

const cases: Record<string, () => number> = {
  'request scan, wrk': () => {
    const h = head();
    scanRequestHeaders(wrk, '127.0.0.1', rules, h);
    return checked(h.upHeaders);
  },
  'request scan, browser': () => {
    const h = head();
    scanRequestHeaders(browser, '127.0.0.1', rules, h);
    return checked(h.upHeaders);
  },
  'response head, nginx': () => checked(responseHeaders(nginx, rules, 'rid', false)),
  'request id: newRequestId': () => checked(['x-request-id', newRequestId()]),
  'request id: randomUUID': () => checked(['x-request-id', randomUUID()]),
};

const best = new Map<string, number>();
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) sink += fn();
    const ns = Number(process.hrtime.bigint() - t0) / N;
    best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, ns));
  }
}
for (const [name, ns] of best) console.log(`${name.padEnd(26)} ${ns.toFixed(1)} ns/op`);
if (sink !== 0) console.log('(a produced value failed the header check)');
