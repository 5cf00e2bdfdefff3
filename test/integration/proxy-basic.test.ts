import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { hello, pool, type Running, send, startGateway, type Upstream, upstreams } from './proxy-util.js';

describe('proxying: routing, headers, keep-alive', () => {
  let ups: Upstream[];
  let g: Running;
  const seen: Array<Record<string, string | string[] | undefined>> = [];

  before(async () => {
    ups = await upstreams(2, (req, res, up) => {
      seen.push(req.headers);
      hello(req, res, up);
    });
    g = await startGateway({
      pools: { ...pool('web', [ups[0]!]), ...pool('api', [ups[1]!]) },
      routes: [
        { name: 'api', match: { path_prefix: '/api' }, pool: 'api', strip_prefix: true },
        { name: 'web', match: { path_prefix: '/', methods: ['GET', 'HEAD'] }, pool: 'web' },
      ],
    });
  });
  after(async () => {
    await g.close();
    await Promise.all(ups.map((u) => u.close()));
  });

  it('routes by longest prefix and strips it when asked', async () => {
    const a = await send(`${g.url}/api/users?x=1`);
    assert.equal(a.status, 200);
    assert.equal(a.headers['x-upstream'], 'app-2');
    assert.equal(a.headers['x-seen-path'], '/users?x=1');
    const w = await send(`${g.url}/apix`);
    assert.equal(w.headers['x-upstream'], 'app-1');
    assert.equal(w.headers['x-seen-path'], '/apix');
  });

  it('answers 404 with a JSON body when nothing matches', async () => {
    const r = await send(`${g.url}/nothing`, { method: 'DELETE' });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-keel-error'], 'KEEL_ERR_ROUTE_NOT_FOUND');
    const body = JSON.parse(r.body) as { error: { code: string; message: string; fix: string } };
    assert.equal(body.error.code, 'KEEL_ERR_ROUTE_NOT_FOUND');
    assert.ok(body.error.fix.length > 0);
    assert.ok(typeof r.headers['x-request-id'] === 'string');
  });

  it('adds forwarding headers, Via and a request id; strips hop-by-hop', async () => {
    seen.length = 0;
    const r = await send(`${g.url}/page`, {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        connection: 'keep-alive, x-drop',
        'x-drop': '1',
        'x-request-id': 'req-42',
      },
    });
    assert.equal(r.status, 200);
    const h = seen[0]!;
    assert.equal(h['x-forwarded-for'], '127.0.0.1'); // the client is not a trusted proxy
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${g.port}`);
    assert.equal(h.via, '1.1 keel');
    assert.equal(h['x-request-id'], 'req-42');
    assert.equal(h['x-drop'], undefined);
    assert.equal(h.host, `127.0.0.1:${g.port}`);
    assert.equal(r.headers.via, '1.1 keel');
    assert.equal(r.headers['x-request-id'], 'req-42');
  });

  it('reuses upstream connections (keep-alive both sides)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const before = ups[0]!.connections;
    for (let i = 0; i < 40; i++) assert.equal((await send(`${g.url}/k${i}`, { agent })).status, 200);
    agent.destroy();
    assert.ok(
      ups[0]!.connections - before <= 2,
      `opened ${ups[0]!.connections - before} upstream connections`,
    );
  });

  it('publishes request.done and try.done', async () => {
    const r = await send(`${g.url}/evt`, { headers: { 'x-request-id': 'evt-1' } });
    assert.equal(r.status, 200);
    const done = g.events('request.done').find((e) => e.requestId === 'evt-1');
    assert.ok(done);
    assert.equal(done.route, 'web');
    assert.equal(done.status, 200);
    assert.equal(done.tries, 1);
    assert.equal(done.host, `127.0.0.1:${ups[0]!.port}`);
    const t = g.events('try.done').find((e) => e.requestId === 'evt-1');
    assert.equal(t?.status, 200);
    assert.equal(t?.attempt, 0);
  });
});
