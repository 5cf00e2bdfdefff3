/**
 * Truthfulness of /metrics (docs/metrics.md): known traffic through a real gateway, measured by the
 * client on its own side, must match what /metrics says — request counts exactly, the error rate
 * within 0.5 percentage points, p95 within one histogram bucket.
 *
 * The upstream decides by path, so the shares are exact: every 10th request is answered 500,
 * 3 in 10 are slow (300 ms), the rest fast. The route has retries, hedging and its endpoint
 * breaker off, so no 500 is hidden by a retry or turned into a fast 503, and each request is
 * exactly one upstream try. The client shares the process (and the
 * machine, with other test files) with the gateway, so what it measures includes its own
 * scheduling delay; 300 ms puts both p95s in the middle of the (0.25, 0.5] bucket, where that
 * delay cannot move them by more than a bucket, while 150 ms sits 50 ms under a bound.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { DURATION_BUCKETS } from '../../src/telemetry/metrics/labels.js';
import { bucketIndex, buckets, histogramQuantile, parse, scrape, startKeel, sum } from './metrics-util.js';
import { pool, send, upstreams } from './proxy-util.js';

const N = 600;
const CONCURRENCY = 20;
const SLOW_MS = 300;

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

function pathFor(i: number): string {
  const k = i % 10;
  if (k === 0) return '/t/err';
  return k <= 3 ? '/t/slow' : '/t/fast';
}

describe('truthfulness of /metrics', () => {
  it('matches what a client measured: counts exactly, error rate within 0.5 pp, p95 within one bucket', async () => {
    const ups = await upstreams(2, (req, res) => {
      req.resume();
      const path = req.url ?? '';
      if (path.startsWith('/t/err')) res.writeHead(500).end('boom');
      else if (path.startsWith('/t/slow')) setTimeout(() => res.writeHead(200).end('slow'), SLOW_MS);
      else res.writeHead(200).end('fast');
    });
    const keel = await startKeel({
      pools: pool('truth', ups, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
      routes: [
        {
          name: 'truth',
          match: { path_prefix: '/t' },
          pool: 'truth',
          retry: { enabled: false },
          hedge: { enabled: false },
          endpoint_breaker: { enabled: false },
        },
      ],
    });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    cleanup.push(async () => {
      agent.destroy();
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });

    const seen: Array<{ status: number; ms: number }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const t0 = performance.now();
          const r = await send(`${keel.url}${pathFor(i)}`, { agent });
          seen.push({ status: r.status, ms: performance.now() - t0 });
        }
      }),
    );
    const s = parse((await scrape(keel.admin)).text);

    // Counts: exactly what the client sent, and one upstream try each.
    const route = { http_route: 'truth', keel_pool: 'truth' };
    assert.equal(seen.length, N);
    assert.equal(sum(s, 'http_server_request_duration_seconds_count', route), N);
    assert.equal(sum(s, 'http_client_request_duration_seconds_count', { keel_pool: 'truth' }), N);

    // Error rate: the client's 5xx share against the 5xx series' share.
    const clientErrors = seen.filter((x) => x.status >= 500).length / N;
    const errors5xx = s
      .filter(
        (x) => x.name === 'http_server_request_duration_seconds_count' && x.labels.http_route === 'truth',
      )
      .filter((x) => x.labels.http_response_status_code!.startsWith('5'))
      .reduce((n, x) => n + x.value, 0);
    assert.equal(clientErrors, 0.1);
    assert.ok(
      Math.abs(errors5xx / N - clientErrors) <= 0.005,
      `metrics ${errors5xx / N} vs client ${clientErrors}`,
    );

    // p95: the client's (nearest rank) and histogram_quantile(0.95) over the route's buckets.
    const sorted = seen.map((x) => x.ms / 1000).sort((a, b) => a - b);
    const clientP95 = sorted[Math.ceil(0.95 * N) - 1]!;
    const metricsP95 = histogramQuantile(0.95, buckets(s, 'http_server_request_duration_seconds', route));
    const bounds = [...DURATION_BUCKETS];
    const apart = Math.abs(bucketIndex(clientP95, bounds) - bucketIndex(metricsP95, bounds));
    assert.ok(apart <= 1, `p95: client ${clientP95}s, metrics ${metricsP95}s (${apart} buckets apart)`);
    assert.ok(clientP95 >= SLOW_MS / 1000, 'the slow share sets the p95');
  });
});
