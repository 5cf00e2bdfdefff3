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

/** A reload applies `listeners:` (nginx re-reads `listen` on reload; Envoy's listeners are dynamic). */
describe('reload: listeners follow the config', () => {
  const held: ServerResponse[] = [];
  let ups: Upstream[] = [];
  after(async () => {
    for (const r of held) r.end();
    await Promise.all(ups.map((u) => u.close()));
  });

  const listener = (name: string, port = 0) => ({ name, host: '127.0.0.1', port });

  it('opens an added listener, keeps an unchanged one, and retires a dropped one after its requests', async () => {
    ups = await upstreams(1, (req, res, up) => {
      if (req.url === '/hold') {
        req.resume();
        held.push(res);
        return;
      }
      hello(req, res, up);
    });
    const base = { pools: pool('web', ups), routes: [{ name: 'all', pool: 'web' }] };
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
    if (ups.length === 0) ups = await upstreams(1);
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busy = (taken.address() as { port: number }).port;
    const base = { pools: pool('web', ups), routes: [{ name: 'all', pool: 'web' }] };
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
