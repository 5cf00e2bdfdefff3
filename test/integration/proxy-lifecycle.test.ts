import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  hello,
  makeConfig,
  pool,
  send,
  startGateway,
  type Upstream,
  upstreams,
  waitFor,
} from './proxy-util.js';

describe('reload and drain', () => {
  const held: ServerResponse[] = [];
  let ups: Upstream[] = [];
  after(async () => {
    for (const r of held) r.end();
    await Promise.all(ups.map((u) => u.close()));
  });

  it('reload swaps routes while in-flight requests finish on their old route and pools', async () => {
    ups = await upstreams(2, (req, res, up) => {
      if (req.url?.endsWith('/hold')) {
        req.resume();
        held.push(res);
        return;
      }
      hello(req, res, up);
    });
    const [a, b] = ups as [Upstream, Upstream];
    const v1 = {
      pools: { ...pool('a', [a]), ...pool('b', [b]) },
      routes: [
        { name: 'side', match: { path_prefix: '/side' }, pool: 'b' },
        { name: 'main', pool: 'a' },
      ],
    };
    const g = await startGateway(v1);
    try {
      const onA = send(`${g.url}/hold`);
      const onB = send(`${g.url}/side/hold`);
      await waitFor(() => held.length === 2, 'a request held at each upstream');
      // v2 changes pool a (a new pool object) and keeps pool b as it was (the same live object).
      const v2 = {
        pools: { ...pool('a', [a], { timeouts: { first_byte: 5000 } }), ...pool('b', [b]) },
        routes: [{ name: 'main', pool: 'b' }],
      };
      await g.gw.reload(makeConfig(v2), 'v2');
      assert.equal(g.gw.version, 'v2');
      assert.deepEqual(
        g.gw.routes().map((r) => [r.name, r.pool]),
        [['main', 'b']],
      );
      const views = new Map(g.gw.pools().map((p) => [p.name, p]));
      assert.equal(views.get('b')?.in_flight, 1, 'pool b kept its live state');
      assert.equal(views.get('a')?.in_flight, 0, 'pool a was rebuilt');
      const fresh = await send(`${g.url}/new`);
      assert.equal(fresh.headers['x-upstream'], 'app-2');
      for (const r of held.splice(0)) r.end('old-route');
      const [ra, rb] = await Promise.all([onA, onB]);
      assert.equal(ra.status, 200);
      assert.equal(ra.body, 'old-route');
      assert.equal(rb.body, 'old-route');
    } finally {
      await g.close();
    }
  });

  it('drain finishes in-flight requests and refuses new connections', async () => {
    const g = await startGateway({ pools: pool('a', [ups[0]!]), routes: [{ name: 'main', pool: 'a' }] });
    const slow = send(`${g.url}/hold`);
    await waitFor(() => held.length === 1, 'a request in flight');
    const drained = g.gw.drain(5000);
    assert.equal(g.gw.draining, true);
    const refused = await send(`${g.url}/late`);
    assert.equal(refused.status, 0);
    assert.equal(refused.error, 'ECONNREFUSED');
    held.shift()!.end('finished');
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'finished');
    assert.deepEqual(await drained, { drained: true, remaining: 0 });
    assert.equal(g.gw.inFlight(), 0);
    await g.close();
  });

  it('drain gives up at its deadline and reports what remained', async () => {
    const g = await startGateway({ pools: pool('a', [ups[0]!]), routes: [{ name: 'main', pool: 'a' }] });
    const stuck = send(`${g.url}/hold`);
    await waitFor(() => held.length === 1, 'a request in flight');
    assert.deepEqual(await g.gw.drain(100), { drained: false, remaining: 1 });
    assert.equal((await stuck).status, 0); // its connection was closed at the deadline
    held.shift()!.end();
  });

  // A reload applies `listeners:` (nginx re-reads `listen` on reload; Envoy's listeners are dynamic).
  const listener = (name: string, port = 0) => ({ name, host: '127.0.0.1', port });

  it('opens an added listener, keeps an unchanged one, and retires a dropped one after its requests', async () => {
    const base = { pools: pool('web', [ups[0]!]), routes: [{ name: 'all', pool: 'web' }] };
    const g = await startGateway(base);
    try {
      const [main] = g.gw.addresses();
      // v2: main stays (port 0 is its configured address), `side` is new.
      await g.gw.reload(makeConfig({ ...base, listeners: [listener('main'), listener('side')] }), 'v2');
      const addrs = g.gw.addresses();
      assert.deepEqual(
        addrs.map((a) => a.name),
        ['main', 'side'],
      );
      assert.equal(addrs[0]!.port, main!.port, 'the unchanged listener kept its socket');
      const side = `http://127.0.0.1:${addrs[1]!.port}`;
      assert.equal((await send(`${side}/x`)).status, 200);

      // A request in flight on main while v3 drops main: it still finishes; main then refuses.
      const inFlight = send(`${g.url}/hold`);
      await waitFor(() => held.length === 1, 'the request held upstream');
      await g.gw.reload(makeConfig({ ...base, listeners: [listener('side')] }), 'v3');
      assert.deepEqual(
        g.gw.addresses().map((a) => [a.name, a.port]),
        [['side', addrs[1]!.port]],
      );
      held.shift()!.end('finished');
      const r = await inFlight;
      assert.equal(r.status, 200);
      assert.equal(r.body, 'finished');
      const refused = await send(`${g.url}/x`);
      assert.equal(refused.error, 'ECONNREFUSED');
      assert.equal((await send(`${side}/y`)).status, 200);
    } finally {
      await g.close();
    }
  });

  it('a listener that cannot bind refuses the reload and changes nothing', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busy = (taken.address() as { port: number }).port;
    const base = { pools: pool('web', [ups[0]!]), routes: [{ name: 'all', pool: 'web' }] };
    const g = await startGateway(base);
    try {
      const before = g.gw.addresses();
      const next = makeConfig({
        ...base,
        listeners: [listener('other'), listener('busy', busy)],
        routes: [{ name: 'renamed', pool: 'web' }],
      });
      await assert.rejects(g.gw.reload(next, 'v2'), /EADDRINUSE/);
      assert.equal(g.gw.version, 'v1');
      assert.deepEqual(g.gw.addresses(), before);
      assert.deepEqual(
        g.gw.routes().map((r) => r.name),
        ['all'],
      );
      assert.equal((await send(`${g.url}/still`)).status, 200);
    } finally {
      await g.close();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
