import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, describe, it } from 'node:test';
import {
  hello,
  pool,
  type Running,
  send,
  startGateway,
  type Upstream,
  upstreams,
  waitFor,
} from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});
async function setup(
  n: number,
  raw: (ups: Upstream[]) => Record<string, unknown>,
): Promise<[Upstream[], Running]> {
  const ups = await upstreams(n);
  const g = await startGateway(raw(ups));
  cleanup.push(async () => {
    await g.close();
    await Promise.all(ups.map((u) => u.close()));
  });
  return [ups, g];
}

describe('failures of upstreams', () => {
  it('under steady load, killing one of three upstreams makes no GET fail', async () => {
    const [ups, g] = await setup(3, (u) => ({
      // Everything runs in this one process, so a failing try takes ~10 ms here and the ~5 tries
      // that meet the dead host before its ejection overlap. The default budget floor (3, as
      // Envoy's) allows 4 concurrent retries at 20 active requests; 10 keeps the check about
      // behaviour, not about this rig's event-loop latency.
      pools: pool('web', u, { retry_budget: { ratio: 0.2, min_concurrent: 10 } }),
      routes: [{ name: 'all', pool: 'web' }],
    }));
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    cleanup.push(async () => agent.destroy());
    const statuses = new Map<number, number>();
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const r = await send(`${g.url}/x`, { agent });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    const loops = Array.from({ length: 20 }, loop);
    await waitFor(() => (statuses.get(200) ?? 0) > 300, 'steady traffic');
    ups[1]!.kill();
    const killedAt = statuses.get(200) ?? 0;
    await waitFor(() => (statuses.get(200) ?? 0) > killedAt + 2000, 'traffic after the kill', 15_000);
    stop = true;
    await Promise.all(loops);
    assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);
    // The dead host was retried around and ejected.
    assert.ok(g.events('retry').some((e) => e.allowed));
    assert.ok(g.events('host.ejected').some((e) => e.host === `127.0.0.1:${ups[1]!.port}`));
  });

  it('cuts a hung upstream at its first-byte timeout and retries on another host', async () => {
    const [ups, g] = await setup(2, (u) => ({
      pools: pool('web', u, { timeouts: { first_byte: 200 }, balancer: { algorithm: 'round_robin' } }),
      routes: [{ name: 'all', pool: 'web' }],
    }));
    ups[0]!.handler = (req) => req.resume(); // accepts, never answers
    for (let i = 0; i < 4; i++) {
      const r = await send(`${g.url}/h${i}`, { headers: { 'x-request-id': `hung-${i}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-upstream'], 'app-2');
    }
    const timeouts = g.events('try.done').filter((e) => e.error === 'timeout');
    assert.ok(timeouts.length >= 1, 'at least one try was cut by the first-byte timeout');
    for (const t of timeouts) {
      assert.ok(t.durationMs >= 150 && t.durationMs < 2000, `cut after ${t.durationMs} ms`);
      assert.equal(t.host, `127.0.0.1:${ups[0]!.port}`);
    }
  });

  it('answers 504 when every host hangs, and 504 DEADLINE when the route deadline passes first', async () => {
    const [ups, g] = await setup(2, (u) => ({
      pools: pool('web', u, { timeouts: { first_byte: 150 } }),
      routes: [
        { name: 'short', match: { path_prefix: '/short' }, pool: 'web', timeout: 100 },
        { name: 'all', pool: 'web' },
      ],
    }));
    for (const u of ups) u.handler = (req) => req.resume();
    const r = await send(`${g.url}/x`);
    assert.equal(r.status, 504);
    assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_TIMEOUT');
    const started = Date.now();
    const d = await send(`${g.url}/short`);
    assert.equal(d.status, 504);
    assert.equal(d.headers['x-keel-error'], 'KEEL_ERR_DEADLINE_EXCEEDED');
    assert.ok(Date.now() - started < 1000);
  });

  it('retries a retryable status on a different host', async () => {
    const [ups, g] = await setup(3, (u) => ({
      pools: pool('web', u, { health: { outlier: { enabled: false } }, breaker: { enabled: false } }),
      routes: [{ name: 'all', pool: 'web' }],
    }));
    ups[0]!.handler = (req, res) => {
      req.resume();
      res.writeHead(503).end('busy');
    };
    for (let i = 0; i < 30; i++) {
      const r = await send(`${g.url}/r${i}`, { headers: { 'x-request-id': `rt-${i}` } });
      assert.equal(r.status, 200);
    }
    const byRequest = new Map<string, string[]>();
    for (const t of g.events('try.done'))
      byRequest.set(t.requestId, [...(byRequest.get(t.requestId) ?? []), t.host]);
    const retried = [...byRequest.values()].filter((hosts) => hosts.length > 1);
    assert.ok(retried.length > 0, 'some requests met the failing host first');
    for (const hosts of retried) assert.equal(new Set(hosts).size, hosts.length, `hosts repeat: ${hosts}`);
  });

  it('honours Retry-After when it fits the deadline, and passes the answer through when it does not', async () => {
    const [ups, g] = await setup(2, (u) => ({
      pools: pool('web', u, { health: { outlier: { enabled: false } } }),
      routes: [
        { name: 'tight', match: { path_prefix: '/tight' }, pool: 'web', timeout: 500 },
        { name: 'all', pool: 'web', timeout: 5000 },
      ],
    }));
    let answered503 = 0;
    for (const u of ups) {
      // The first request of each kind gets "503, come back in 1 s"; later ones succeed.
      u.handler = (req, res, self) => {
        req.resume();
        if (answered503 === 0 || (req.url === '/tight' && answered503 === 1)) {
          answered503++;
          res.writeHead(503, { 'retry-after': '1' }).end('later');
        } else hello(req, res, self);
      };
    }
    const started = Date.now();
    const r = await send(`${g.url}/wait`, { headers: { 'x-request-id': 'ra-1' } });
    const took = Date.now() - started;
    assert.equal(r.status, 200);
    assert.ok(took >= 950, `retried after ${took} ms`);
    assert.equal(g.events('try.done').filter((e) => e.requestId === 'ra-1').length, 2);
    // 1 s does not fit a 500 ms deadline: the 503 is passed through at once.
    const t0 = Date.now();
    const tight = await send(`${g.url}/tight`, { headers: { 'x-request-id': 'ra-2' } });
    assert.equal(tight.status, 503);
    assert.equal(tight.headers['retry-after'], '1');
    assert.equal(tight.headers['x-keel-error'], undefined);
    assert.ok(Date.now() - t0 < 450);
    const refused = g.events('retry').find((e) => e.requestId === 'ra-2');
    assert.equal(refused?.allowed, false);
    assert.equal(refused?.refusedBy, 'deadline');
  });

  it('stops retrying when the retry budget is spent', async () => {
    const [ups, g] = await setup(2, (u) => ({
      pools: pool('web', u, {
        retry_budget: { ratio: 0, min_concurrent: 0 },
        health: { outlier: { enabled: false } },
        breaker: { enabled: false },
      }),
      routes: [{ name: 'all', pool: 'web' }],
    }));
    for (const u of ups) {
      u.handler = (req, res) => {
        req.resume();
        res.writeHead(502).end('bad');
      };
    }
    const r = await send(`${g.url}/b`, { headers: { 'x-request-id': 'budget-1' } });
    assert.equal(r.status, 502); // the upstream's own answer, passed through
    assert.equal(r.headers['x-keel-error'], undefined);
    const events = g.events('retry').filter((e) => e.requestId === 'budget-1');
    assert.deepEqual(
      events.map((e) => [e.allowed, e.refusedBy]),
      [[false, 'budget']],
    );
    assert.equal(g.events('try.done').filter((e) => e.requestId === 'budget-1').length, 1);
  });

  it('answers 502 KEEL_ERR_UPSTREAM_CONNECT when no host accepts connections', async () => {
    const [ups, g] = await setup(2, (u) => ({
      pools: pool('web', u),
      routes: [{ name: 'all', pool: 'web' }],
    }));
    for (const u of ups) await u.close();
    const r = await send(`${g.url}/c`);
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_UPSTREAM_CONNECT');
  });
});
