#!/usr/bin/env node
// node-http-bytes, the floor of the cache phase (bench/run.sh, PHASES=cache): a bare node:http
// server that answers every request with fixed bytes — those of a cache hit from Keel — and does
// nothing else. What Keel spends above it is the cost of its cache lookup and of its gateway.
//
//   PORT=18810 [HEADERS_FILE=hit.headers] [BODY_FILE=hit.body] node bench/cache-bytes-server.mjs
//
// HEADERS_FILE is the head of a real hit (`curl -s -D FILE -o BODY_FILE`), taken by run.sh from
// keel-cache after its warm-up; without it the server answers DEFAULT_FIELDS below, the fields a
// Keel hit carries. Date, Connection and Keep-Alive are left to node:http, which writes them the
// same way for Keel (one `Date` string per second, cached). Fields Keel computes per request
// (age, x-request-id) are sent with the captured value: the same bytes, a constant.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const NODE_WRITES = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

// Fields of a Keel cache hit of the 100-byte origin answer (content-length is set from the body):
// the origin's stored fields as Keel forwards them today, plus Age (RFC 9111 §5.1) and Cache-Status.
const DEFAULT_FIELDS = [
  ['Server', 'nginx'],
  ['Content-Type', 'text/plain'],
  ['Cache-Control', 'public, max-age=3600'],
  ['age', '0'],
  ['via', '1.1 keel'],
  ['x-request-id', '00000000-0000-4000-8000-000000000000'],
  ['cache-status', 'keel; hit; ttl=3600'],
];
const DEFAULT_BODY = `upstream nginx 18830 ${'x'.repeat(78)}\n`;

function readHead(file) {
  // curl -D writes the status line and CRLF-terminated fields; after a redirect or a 100 there
  // would be several heads, the last one counts.
  const heads = readFileSync(file, 'latin1')
    .split(/\r?\n\r?\n/)
    .filter((h) => h.trim() !== '');
  const lines = heads[heads.length - 1].split(/\r?\n/);
  const status = Number(lines[0].split(' ')[1]);
  const fields = [];
  let keepAlive = '';
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'keep-alive') keepAlive = value;
    if (!NODE_WRITES.has(name.toLowerCase())) fields.push([name, value]);
  }
  return { status, fields, keepAlive };
}

const port = Number(process.env.PORT ?? 18810);
const { status, fields, keepAlive } = process.env.HEADERS_FILE
  ? readHead(process.env.HEADERS_FILE)
  : { status: 200, fields: DEFAULT_FIELDS, keepAlive: 'timeout=60' }; // Keel's listener's
const body = process.env.BODY_FILE
  ? readFileSync(process.env.BODY_FILE)
  : Buffer.from(DEFAULT_BODY, 'latin1');
// A flat [name, value, ...] array: node:http writes it as is, without building a header object.
const flat = fields.filter(([n]) => n.toLowerCase() !== 'content-length').flat();
flat.push('content-length', String(body.length));

// An unread request body (none here) is dumped by node:http itself when the response ends.
const server = createServer((_req, res) => {
  res.writeHead(status, flat);
  res.end(body);
});
// node:http writes `Keep-Alive: timeout=N` from keepAliveTimeout: take Keel's N, for the same bytes.
const timeout = /\btimeout=(\d+)/i.exec(keepAlive);
server.keepAliveTimeout = timeout ? Number(timeout[1]) * 1000 : 5000; // node's default
server.listen(port, '127.0.0.1', () => {
  console.log(
    `node-http-bytes on 127.0.0.1:${port}: ${status}, ${flat.length / 2} fields + node's date/connection/keep-alive, ${body.length} B body (${process.env.HEADERS_FILE ? `from ${process.env.HEADERS_FILE}` : 'default fields'})`,
  );
});
process.on('SIGTERM', () => process.exit(0));
