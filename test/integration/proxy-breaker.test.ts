import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  hello,
  pool,
  type Reply,
  type Running,
  send,
  startGateway,
  type Upstream,
  upstreams,
} from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/**
 * Upstreams that drop the connection (a reset: a host breaker's evidence, docs/health.md) while
 * `state.failing`, and answer 200 after.
 */
async function dropping(n: number): Promise<[Upstream[], { failing: boolean }]> {
  const state = { failing: true };
  const ups = await upstreams(n, (req, res, up) => {
    if (state.failing) req.socket.destroy();
    else hello(req, res, up);
  });
  return [ups, state];
}

/** Upstreams answering 500 while `state.failing`, 200 after. */
async function flaky(n: number): Promise<[Upstream[], { failing: boolean }]> {
  const state = { failing: true };
  const ups = await upstreams(n, (req, res, up) => {
    if (state.failing) {
      req.resume();
      res.writeHead(500).end('boom');
    } else hello(req, res, up);
  });
  return [ups, state];
}

async function until(what: string, limit: number, step: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < limit; i++) if (await step()) return;
  throw new Error(`gave up waiting for ${what}`);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breakers through real requests', () => {
  it('host breakers: CLOSED → OPEN (503 + Retry-After, calling nothing) → HALF_OPEN → CLOSED', async () => {
    // Connection-level failures on every host: the one evidence that opens host breakers by
    // default (500s on every host open none: proxy-isolation.test.ts).
    const [ups, state] = await dropping(2);
    const g: Running = await startGateway({
      pools: pool('web', ups, {
        balancer: { algorithm: 'round_robin' },
        health: { outlier: { enabled: false } },
        breaker: {
          consecutive_failures: 3,
          minimum_requests: 100,
          open_timeout: 200,
          max_open_timeout: 1000,
        },
      }),
      routes: [{ name: 'all', pool: 'web', retry: { enabled: false } }],
    });
    cleanup.push(async () => {
      await g.close();
      await Promise.all(ups.map((u) => u.close()));
    });
    const hostTransitions = () => g.events('breaker.transition').filter((e) => e.scope === 'host');
    const opened = () =>
      new Set(
        hostTransitions()
          .filter((e) => e.to === 'open')
          .map((e) => e.host),
      ).size;

    await until('both breakers to open', 20, async () => {
      const r = await send(`${g.url}/f`);
      assert.equal(r.status, 502);
      assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_RESET');
      return opened() === 2;
    });
    const hits = ups[0]!.hits + ups[1]!.hits;
    const fast: Reply = await send(`${g.url}/f`);
    assert.equal(fast.status, 503);
    assert.equal(fast.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN');
    assert.ok(Number(fast.headers['retry-after']) >= 1, `Retry-After ${fast.headers['retry-after']}`);
    assert.equal(ups[0]!.hits + ups[1]!.hits, hits, 'an open breaker calls nothing');
    assert.equal(
      g.gw.pools()[0]!.hosts.every((h) => h.breaker?.state === 'open'),
      true,
    );

    state.failing = false;
    // Poll with real requests: 503s until the open timeout passes, then probes that succeed.
    await until('both breakers to close', 200, async () => {
      const r = await send(`${g.url}/f`);
      assert.ok(r.status === 200 || r.status === 503, `status ${r.status}`);
      const closed = new Set(
        hostTransitions()
          .filter((e) => e.to === 'closed')
          .map((e) => e.host),
      ).size;
      if (closed === 2) return true;
      await pause(20);
      return false;
    });
    for (const host of [`127.0.0.1:${ups[0]!.port}`, `127.0.0.1:${ups[1]!.port}`]) {
      const path = hostTransitions()
        .filter((e) => e.host === host)
        .map((e) => `${e.from}>${e.to}`);
      assert.deepEqual(path, ['closed>open', 'open>half_open', 'half_open>closed'], host);
    }
  });

  it('route breaker: opens on the route’s failures and fails fast with scope "route" events', async () => {
    const [ups, state] = await flaky(1);
    const g: Running = await startGateway({
      pools: pool('web', ups, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
      routes: [
        {
          name: 'guarded',
          pool: 'web',
          retry: { enabled: false },
          breaker: { consecutive_failures: 2, minimum_requests: 100, open_timeout: 200 },
        },
      ],
    });
    cleanup.push(async () => {
      await g.close();
      await Promise.all(ups.map((u) => u.close()));
    });
    assert.equal((await send(`${g.url}/a`)).status, 500);
    assert.equal((await send(`${g.url}/a`)).status, 500);
    const hits = ups[0]!.hits;
    const r = await send(`${g.url}/a`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN');
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(ups[0]!.hits, hits);
    const t = g.events('breaker.transition').find((e) => e.scope === 'route');
    assert.equal(t?.route, 'guarded');
    assert.equal(t?.to, 'open');
    state.failing = false;
    await until('the route breaker to close', 200, async () => {
      if ((await send(`${g.url}/a`)).status === 200) return true;
      await pause(20);
      return false;
    });
    const toClosed = g.events('breaker.transition').filter((e) => e.scope === 'route' && e.to === 'closed');
    assert.equal(toClosed.length, 1);
  });
});
