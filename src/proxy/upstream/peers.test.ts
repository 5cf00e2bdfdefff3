/**
 * A host judged against its peers (docs/health.md, "Judged against its peers", "No blackout"),
 * through the pool's own bookkeeping: what opens a host breaker by default, relative failure
 * ejection, the cap on 5xx-type evidence, and what a lost hedge teaches the balancer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENDPOINT_BREAKER } from '../../config/defaults.js';
import { fail, harness, poolConfig, respond } from './pool.test-util.js';

const withBreaker = (extra: Record<string, unknown> = {}) =>
  poolConfig({ breaker: { enabled: true, consecutive_failures: 3, ...extra } });

test('by default a host breaker opens on connection failures only: 500s and timeouts open none', async (t) => {
  const h = harness(withBreaker());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 500, 10);
  respond(h, h0, 503, 10);
  fail(h, h0, 'timeout', 10);
  assert.equal(h.of('breaker.transition').length, 0);
  fail(h, h0, 'reset', 3);
  assert.deepEqual(
    h.of('breaker.transition').map((e) => e.to),
    ['open'],
  );
});

test('a single-host pool is taken out on connection failures, never on 5xx, even when 5xx are opted in', async (t) => {
  const h = harness(
    poolConfig({
      hostCount: 1,
      breaker: {
        enabled: true,
        consecutive_failures: 3,
        failure_on: { server_errors: true, timeouts: true, resets: true, statuses: [] },
      },
    }),
  );
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 500, 20);
  assert.equal(h.of('breaker.transition').length, 0, 'the last host never opens on 5xx');
  fail(h, h0, 'connect', 3);
  assert.equal(h.of('breaker.transition')[0]?.to, 'open');
  assert.equal(h.pool.tryStart(h0), false, 'refused while open, until its half-open probe');
});

test('opted-in 5xx breakers take at most max_ejection_percent out; in panic they let traffic through', async (t) => {
  const h = harness(
    poolConfig({
      hostCount: 4,
      health: { outlier: { enabled: false } },
      breaker: {
        enabled: true,
        consecutive_failures: 3,
        failure_on: { server_errors: true, timeouts: true, resets: true, statuses: [] },
      },
    }),
  );
  t.after(() => h.pool.close());
  for (const name of ['h0', 'h1', 'h2', 'h3']) respond(h, h.host(name), 500, 5);
  const opened = h.of('breaker.transition').filter((e) => e.to === 'open');
  assert.deepEqual(
    opened.map((e) => e.host),
    ['h0', 'h1'],
    '50 % of 4: two hosts out for 5xx at most',
  );
  // Two hosts lose their connection: every host is out, the pool routes in panic, and the hosts
  // opened on 5xx take traffic again while the unreachable ones keep refusing.
  fail(h, h.host('h2'), 'connect', 3);
  fail(h, h.host('h3'), 'connect', 3);
  assert.equal(h.pool.view().panic, true);
  assert.equal(h.pool.tryStart(h.host('h0')), true, 'opened on 5xx: admitted in panic');
  assert.equal(h.pool.tryStart(h.host('h2')), false, 'unreachable: still refused');
});

test('failure_rate: a host that fails what its peers serve is ejected; a shared failure ejects nobody', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const table = h.pool.endpoints('r', '/', DEFAULT_ENDPOINT_BREAKER);
  const page = table.lookup('GET', '/page');
  const broken = table.lookup('GET', '/broken');
  const [h0, h1, h2] = [h.host('h0'), h.host('h1'), h.host('h2')];
  const end = (host: typeof h0, status: number, ep = page) => {
    h.clock.advance(5);
    if (h.pool.tryStart(host))
      h.pool.tryEnd(host, { kind: 'response', status, latencyMs: 4 }, h.clock.now(), ep);
  };
  // /broken fails on every host alike, 60 times: nobody is to blame.
  for (let i = 0; i < 60; i++) end([h0, h1, h2][i % 3]!, 500, broken);
  assert.deepEqual(h.of('host.ejected'), []);
  // h2 fails /page, which h0 and h1 serve.
  for (let i = 0; i < 19; i++) {
    end(h0, 200);
    end(h1, 200);
    end(h2, 500);
  }
  assert.deepEqual(h.of('host.ejected'), [], 'not before min_requests on the host');
  end(h2, 500);
  assert.deepEqual(
    h.of('host.ejected').map((e) => [e.host, e.reason]),
    [['h2', 'failure_rate']],
  );
});

test('a try that lost to a hedge is a latency sample of at least its elapsed time', async (t) => {
  const h = harness(poolConfig());
  t.after(() => h.pool.close());
  const h0 = h.host('h0');
  respond(h, h0, 200, 1, 5);
  h.clock.advance(10);
  assert.equal(h.pool.tryStart(h0), true);
  h.pool.tryEnd(h0, { kind: 'error', error: 'aborted', latencyMs: 120 });
  assert.ok(h0.latencyEwma > 5, `EWMA ${h0.latencyEwma} learned the host is slower`);
  const before = h0.latencyEwma;
  assert.equal(h.pool.tryStart(h0), true);
  h.pool.tryEnd(h0, { kind: 'error', error: 'aborted', latencyMs: 1 });
  assert.equal(h0.latencyEwma, before, 'an early abort never makes a host look fast');
});
