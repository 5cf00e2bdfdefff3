/**
 * Truthfulness of /handoff (docs/handoff.md): known traffic — exactly 10% answered 500 by the
 * upstream, 10% slow — through a route without retries, measured by the client on its own side,
 * must match details.traffic: the request count exactly, the error rate within 0.5 percentage
 * points, the p95 within one histogram bucket of the client's p95.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, it } from 'node:test';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import { type App, startApp } from '../../src/app/app.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { LATENCY_BOUNDS_MS } from '../../src/telemetry/traffic-window.js';
import { getJson, waitFor } from './control-util.js';
import { makeConfig, pool, type Upstream, upstreams } from './proxy-util.js';

const TOTAL = 500;
const SLOW_MS = 180;

let up: Upstream;
let app: App;
before(async () => {
  let n = 0;
  // Deterministic: every 10th request is a 500, every 10th (offset 5) is slow.
  up = (
    await upstreams(1, (req, res) => {
      const i = n++;
      req.resume();
      req.once('end', () => {
        if (i % 10 === 0) res.writeHead(500).end('boom');
        else if (i % 10 === 5) setTimeout(() => res.writeHead(200).end('slow'), SLOW_MS);
        else res.writeHead(200).end('ok');
      });
    })
  )[0]!;
  const config = makeConfig({
    admin: { host: '127.0.0.1', port: 0 },
    pools: pool('app', [up!], {
      health: { outlier: { enabled: false } },
      breaker: { enabled: false },
    }),
    routes: [{ name: 'all', pool: 'app', retry: { enabled: false } }],
  });
  app = await startApp({ config, version: 'v1', logger: createLogger({ level: 'silent' }) });
});
after(async () => {
  await app?.shutdown('test done');
  await up?.close();
});

/** One GET, timed by the client from the request to the end of the body. */
function timedGet(url: string, agent: Agent): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    })
      .once('error', reject)
      .end();
  });
}

const bucketOf = (ms: number) => {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
};

it('details.traffic matches what the client measured', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const gateway = `http://127.0.0.1:${app.listeners[0]!.port}/x`;
  const seen: Array<{ status: number; ms: number }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < TOTAL) {
        next++;
        seen.push(await timedGet(gateway, agent));
      }
    }),
  );
  agent.destroy();
  assert.equal(seen.length, TOTAL);
  const errors = seen.filter((s) => s.status >= 500).length;
  const sorted = seen.map((s) => s.ms).sort((a, b) => a - b);
  const clientP95 = sorted[Math.ceil(0.95 * TOTAL) - 1]!;

  // request.done may be published a moment after the client read the last byte: wait for the count
  // to reach TOTAL (with a deadline), then check it is exactly TOTAL.
  const t = await waitFor('every request counted', async () => {
    const r = await getJson<HandoffReport>(`http://127.0.0.1:${app.admin!.port}/handoff`);
    const traffic = r?.details.traffic;
    return traffic && traffic.requests >= TOTAL ? traffic : undefined;
  });
  assert.equal(t.requests, TOTAL, 'request count exact');
  assert.equal(errors, TOTAL / 10, 'the upstream answered exactly 10% 500s');
  assert.ok(
    Math.abs(t.error_rate - errors / TOTAL) <= 0.005,
    `error rate ${t.error_rate} vs ${errors / TOTAL}`,
  );
  assert.ok(t.p95_ms !== null);
  assert.ok(
    Math.abs(bucketOf(t.p95_ms) - bucketOf(clientP95)) <= 1,
    `p95 ${t.p95_ms} ms (bucket ${bucketOf(t.p95_ms)}) vs client ${clientP95.toFixed(1)} ms (bucket ${bucketOf(clientP95)})`,
  );
  assert.ok(clientP95 >= SLOW_MS, `the slow tenth sets the p95 (${clientP95})`);
});
