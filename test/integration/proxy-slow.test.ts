import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { hello, pool, type Running, send, startGateway, type Upstream, upstreams } from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** app-1 answers after `ms`; the others at once. */
async function oneSlow(n: number, ms: number): Promise<Upstream[]> {
  const ups = await upstreams(n);
  const slow = ups[0]!;
  const timers = new Set<NodeJS.Timeout>();
  slow.handler = (req, res, up) => {
    const t = setTimeout(() => {
      timers.delete(t);
      hello(req, res, up);
    }, ms);
    timers.add(t);
  };
  cleanup.push(async () => {
    for (const t of timers) clearTimeout(t);
    await Promise.all(ups.map((u) => u.close()));
  });
  return ups;
}

async function gateway(raw: Record<string, unknown>): Promise<Running> {
  const g = await startGateway(raw);
  cleanup.push(() => g.close());
  return g;
}

describe('slow hosts', () => {
  it('hedges an idempotent request caught on a slow host; the first answer wins', async () => {
    const ups = await oneSlow(2, 1000);
    const g = await gateway({
      pools: pool('web', ups, {
        balancer: { algorithm: 'round_robin' },
        health: { outlier: { enabled: false } },
      }),
      routes: [{ name: 'all', pool: 'web', hedge: { enabled: true, delay: 50, max_hedges: 1 } }],
    });
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const r = await send(`${g.url}/h${i}`, { headers: { 'x-request-id': `hedge-${i}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-upstream'], 'app-2');
      assert.ok(Date.now() - started < 600, `took ${Date.now() - started} ms`);
    }
    const hedges = g.events('retry').filter((e) => e.reason === 'hedge' && e.allowed);
    assert.ok(hedges.length >= 2, `hedges: ${hedges.length}`); // round robin puts every other first try on app-1
    const lost = g.events('try.done').filter((e) => e.host === `127.0.0.1:${ups[0]!.port}`);
    assert.ok(
      lost.every((e) => e.error === 'aborted'),
      'the slow tries were aborted',
    );
    assert.ok(g.events('try.done').some((e) => e.hedge && e.status === 200));
  });

  it('does not hedge a request with a body', async () => {
    const ups = await oneSlow(2, 200);
    const g = await gateway({
      pools: pool('web', ups, { balancer: { algorithm: 'round_robin' } }),
      routes: [{ name: 'all', pool: 'web', hedge: { enabled: true, delay: 20 } }],
    });
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (await send(`${g.url}/p`, { method: 'PUT', body: 'x', headers: { 'x-request-id': `nb-${i}` } }))
          .status,
        200,
      );
    }
    assert.equal(g.events('retry').filter((e) => e.reason === 'hedge').length, 0);
  });

  it('routes around a slow host within seconds (p2c_ewma, latency ejection)', async () => {
    const ups = await oneSlow(3, 300);
    const g = await gateway({
      pools: pool('web', ups, {
        health: { outlier: { latency: { enabled: true, min_requests: 5, min_latency: 100, factor: 3 } } },
      }),
      routes: [{ name: 'all', pool: 'web' }],
    });
    const slowId = `127.0.0.1:${ups[0]!.port}`;
    const hostsOf = () => g.events('request.done').map((e) => e.host);
    let stop = false;
    const loops = Array.from({ length: 6 }, async () => {
      while (!stop) assert.equal((await send(`${g.url}/s`)).status, 200);
    });
    const deadline = Date.now() + 4000;
    while (hostsOf().length < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(loops);
    const all = hostsOf();
    const late = all.slice(Math.floor(all.length / 2));
    const slowShare = late.filter((h) => h === slowId).length / late.length;
    assert.ok(
      slowShare < 0.05,
      `slow host still got ${(slowShare * 100).toFixed(1)}% of ${late.length} requests`,
    );
  });
});
