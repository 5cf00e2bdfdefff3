#!/usr/bin/env node
// Closed-loop load for bench/slow-host.sh: CONNECTIONS loops, each sending its next GET when the
// previous one answered, for DURATION seconds. Prints one JSON
// object: requests, ok, failed, p50/p99/p999/max (ms), over the requests STARTED in the window.
//
// usage: node bench/slow-host/closed-loop.mjs --url http://127.0.0.1:18910/ --duration 10 --connections 16
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    timeout: { type: 'string', default: '30' },
  },
});
if (!values.url) {
  console.error('usage: closed-loop.mjs --url URL [--duration S] [--connections N]');
  process.exit(2);
}
const target = new URL(values.url);
const conns = Number(values.connections);
const pool = new Pool(target.origin, {
  connections: conns,
  pipelining: 1,
  headersTimeout: Number(values.timeout) * 1000,
  bodyTimeout: Number(values.timeout) * 1000,
});
const end = performance.now() + Number(values.duration) * 1000;
const latencies = [];
let ok = 0;
let failed = 0;

async function loop() {
  while (performance.now() < end) {
    const t0 = performance.now();
    try {
      const r = await pool.request({ path: target.pathname + target.search, method: 'GET' });
      await r.body.dump();
      if (r.statusCode === 200) ok++;
      else failed++;
    } catch {
      failed++;
    }
    latencies.push(performance.now() - t0);
  }
}

await Promise.all(Array.from({ length: conns }, loop));
await pool.close();
latencies.sort((a, b) => a - b);
const q = (p) =>
  latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
const r2 = (x) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    requests: latencies.length,
    ok,
    failed,
    p50: r2(q(0.5)),
    p99: r2(q(0.99)),
    p999: r2(q(0.999)),
    max: r2(latencies.at(-1) ?? NaN),
  }),
);
