#!/usr/bin/env node
// An upstream for bench/slow-host.sh: answers every GET with a 100-byte body, like the nginx
// upstream of the macro benchmark, and counts what it served. GET /__slow?ms=N (sent to the
// upstream's own port, never through a proxy) makes every later answer N ms late; ms=0 undoes
// it. GET /__count answers the number of requests served so far (control requests excluded).
//
// usage: PORT=18901 NAME=up1 node bench/slow-host/upstream.mjs
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const name = process.env.NAME ?? `up-${port}`;
const body = Buffer.from(`upstream ${name} ${port}`.padEnd(99, '.') + '\n');
let slowMs = 0;
let served = 0;

const server = createServer((req, res) => {
  req.resume();
  const url = req.url ?? '/';
  if (url.startsWith('/__slow')) {
    slowMs = Number(new URL(url, 'http://x').searchParams.get('ms') ?? 0) || 0;
    res.end(`slow ${slowMs}\n`);
    return;
  }
  if (url.startsWith('/__count')) {
    res.end(`${served}\n`);
    return;
  }
  served++;
  const answer = () => {
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  };
  if (slowMs <= 0) answer();
  else {
    const t = setTimeout(answer, slowMs);
    res.once('close', () => clearTimeout(t));
  }
});
server.keepAliveTimeout = 300_000;
server.listen(port, '127.0.0.1');
