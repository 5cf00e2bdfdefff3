import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { pool, type Reply, send, startGateway, type Upstream, upstreams, waitFor } from './proxy-util.js';

describe('bulkhead and shedding', () => {
  let ups: Upstream[];
  const held: ServerResponse[] = [];
  after(async () => {
    for (const r of held) r.end();
    await Promise.all(ups.map((u) => u.close()));
  });

  it('queues beyond max_in_flight, sheds a full queue at once and a long wait after queue_timeout', async () => {
    ups = await upstreams(1, (req, res) => {
      req.resume();
      held.push(res); // answered when the test says so
    });
    const g = await startGateway({
      pools: pool('web', ups, { concurrency: { max_in_flight: 2, max_queue: 1, queue_timeout: 300 } }),
      routes: [{ name: 'all', pool: 'web' }],
    });
    try {
      const inFlight = [send(`${g.url}/1`), send(`${g.url}/2`)];
      await waitFor(() => held.length === 2, 'two requests at the upstream');
      const queuedAt = Date.now();
      const queued = send(`${g.url}/3`);
      await waitFor(() => g.gw.pools()[0]!.queue_depth === 1, 'one request queued');
      const shed: Reply = await send(`${g.url}/4`);
      assert.equal(shed.status, 503);
      assert.equal(shed.headers['x-keel-error'], 'KEEL_ERR_SHED_QUEUE_FULL');
      const timedOut = await queued;
      assert.equal(timedOut.status, 503);
      assert.equal(timedOut.headers['x-keel-error'], 'KEEL_ERR_SHED_QUEUE_TIMEOUT');
      assert.ok(Date.now() - queuedAt >= 250);
      assert.deepEqual(
        g.events('shed').map((e) => e.reason),
        ['queue_full', 'queue_timeout'],
      );
      // A queued request is served once a slot frees.
      const waiting = send(`${g.url}/5`);
      await waitFor(() => g.gw.pools()[0]!.queue_depth === 1, 'a request queued again');
      held.shift()!.end('one');
      await waitFor(() => held.length === 2, 'the queued request to reach the upstream');
      for (const r of held.splice(0)) r.end('done');
      const results = await Promise.all([...inFlight, waiting]);
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 200, 200],
      );
      assert.equal(g.events('request.done').filter((e) => e.shed).length, 2);
    } finally {
      await g.close();
    }
  });
});
