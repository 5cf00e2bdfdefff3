/**
 * Failure isolation with real upstreams and the default config (docs/health.md, "Judged against
 * its peers", "Endpoints"): an endpoint failing on every host is refused on its own and takes no
 * host out; its retries do not multiply load; a host failing what its peers serve is taken out;
 * a single-host pool is taken out only when it cannot be reached. The gateway runs on a manual
 * clock, so breaker timeouts pass when the test says so (docs/architecture.md, "Injected time and
 * randomness").
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { EventBus, type EventName, type KeelEvents } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { hello, makeConfig, pool, send, type Upstream, upstreams } from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

interface Rig {
  gw: Gateway;
  url: string;
  clock: ManualClock;
  events<K extends EventName>(name: K): Array<KeelEvents[K]>;
}

async function rig(raw: Record<string, unknown>, ups: Upstream[]): Promise<Rig> {
  const bus = new EventBus();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const seen = new Map<EventName, unknown[]>();
  const names: EventName[] = ['breaker.transition', 'host.ejected', 'endpoint.transition', 'retry'];
  for (const n of names) bus.on(n, (e) => seen.set(n, [...(seen.get(n) ?? []), e]));
  const gw = createGateway(makeConfig(raw), 'v1', { bus, clock });
  const [addr] = await gw.listen();
  cleanup.push(async () => {
    await gw.close();
    await Promise.all(ups.map((u) => u.close()));
  });
  return {
    gw,
    url: `http://127.0.0.1:${addr!.port}`,
    clock,
    events: <K extends EventName>(n: K) => (seen.get(n) ?? []) as Array<KeelEvents[K]>,
  };
}

/** /broken answers 500 (a bug in one page) while `state.broken`; /search fails on bad input; the rest is fine. */
function app(state: { broken: boolean; hits: Map<string, number> }) {
  return (req: IncomingMessage, res: ServerResponse, up: Upstream) => {
    const path = (req.url ?? '/').split('?')[0]!;
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    if (path === '/broken' && state.broken) {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' }).end('bug');
    } else if (path === '/search' && req.url?.includes('q=bad')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' }).end('bad input');
    } else hello(req, res, up);
  };
}

const hostsOut = (r: Rig) => [
  ...r.events('host.ejected').map((e) => `ejected ${e.host} (${e.reason})`),
  ...r
    .events('breaker.transition')
    .filter((e) => e.to === 'open')
    .map((e) => `breaker ${e.host}`),
];

describe('an endpoint failing on every host', () => {
  it('is refused on its own; no host is ejected, no host breaker opens, its neighbours answer 200', async () => {
    const state = { broken: true, hits: new Map<string, number>() };
    const ups = await upstreams(3, app(state));
    const r = await rig({ pools: pool('web', ups), routes: [{ name: 'app', pool: 'web' }] }, ups);

    // One page broken everywhere (a bug in one page of the application), the rest under traffic.
    const brokenStatuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      brokenStatuses.push((await send(`${r.url}/broken`)).status);
      const ok = await send(`${r.url}/page/${i}`);
      assert.equal(ok.status, 200, `/page/${i} while /broken fails`);
    }
    assert.deepEqual(hostsOut(r), [], 'no host is taken out for a page that fails everywhere');
    const firstRefused = brokenStatuses.indexOf(503);
    assert.ok(firstRefused > 0, `broken statuses: ${brokenStatuses.join(',')}`);
    assert.ok(
      brokenStatuses.slice(0, firstRefused).every((s) => s === 500),
      'the upstream 500s until the breaker opens',
    );
    assert.ok(
      brokenStatuses.slice(firstRefused).every((s) => s === 503),
      'then every /broken is refused',
    );
    const fast = await send(`${r.url}/broken`);
    assert.equal(fast.status, 503);
    assert.equal(fast.headers['x-keel-error'], 'KEEL_ERR_ENDPOINT_FAILING');
    assert.equal(fast.headers['retry-after'], '5');
    const [opened] = r.events('endpoint.transition');
    assert.equal(opened?.endpoint, 'GET /broken');
    assert.equal(opened?.to, 'open');
    assert.equal(opened?.failingHosts, 3);
    const view = r.gw.pools()[0]!;
    assert.deepEqual(
      view.endpoints.map((e) => [e.endpoint, e.state]),
      [['GET /broken', 'open']],
    );
    assert.ok(view.hosts.every((h) => h.state === 'healthy'));

    // Retries never multiplied the load: the first request tried two hosts, then each one try.
    const upstreamBroken = state.hits.get('/broken')!;
    assert.ok(
      upstreamBroken <= firstRefused + 1,
      `${upstreamBroken} upstream tries for ${firstRefused} answers`,
    );
    assert.ok(
      r.events('retry').some((e) => e.refusedBy === 'endpoint'),
      'retries refused: the endpoint fails on the other hosts',
    );

    // After the first seconds: 60 more client requests over 60 s of the gateway's clock. Only
    // the half-open probes reach an upstream (at 5 s, then 10, 20, 30 s apart).
    const before = state.hits.get('/broken')!;
    for (let s = 0; s < 60; s++) {
      r.clock.advance(1000);
      const res = await send(`${r.url}/broken`);
      assert.ok(res.status === 503 || res.status === 500, `status ${res.status}`);
    }
    const probes = state.hits.get('/broken')! - before;
    assert.ok(probes >= 2 && probes <= 72, `${probes} upstream requests for 60 client requests (<= 1.2x)`);
    assert.ok(probes <= 6, `only the probes went upstream: ${probes}`);

    // Fixed: the next probe succeeds and the endpoint is served again.
    state.broken = false;
    r.clock.advance(30_000);
    assert.equal((await send(`${r.url}/broken`)).status, 200);
    assert.equal((await send(`${r.url}/broken`)).status, 200);
    assert.deepEqual(
      r
        .events('endpoint.transition')
        .slice(-2)
        .map((e) => `${e.from}>${e.to}`),
      ['open>half_open', 'half_open>closed'],
    );
    assert.deepEqual(hostsOut(r), []);
  });

  it('bad input failing 30 % of one endpoint on every host breaks nothing and ejects nobody', async () => {
    const state = { broken: false, hits: new Map<string, number>() };
    const ups = await upstreams(3, app(state));
    const r = await rig({ pools: pool('web', ups), routes: [{ name: 'app', pool: 'web' }] }, ups);
    let bad = 0;
    for (let i = 0; i < 120; i++) {
      const q = i % 10 < 3 ? 'bad' : 'good';
      const res = await send(`${r.url}/search?q=${q}&i=${i}`);
      if (q === 'bad') {
        bad++;
        assert.equal(res.status, 500, 'the upstream answer is passed through');
      } else assert.equal(res.status, 200);
    }
    assert.equal(bad, 36);
    assert.deepEqual(r.events('endpoint.transition'), []);
    assert.deepEqual(hostsOut(r), []);
  });
});

describe('a pool of two', () => {
  it('a host failing what its peer serves is ejected relative to its peer; no client sees a failure', async () => {
    const ups = await upstreams(2);
    ups[0]!.handler = (req, res) => {
      req.resume();
      res.writeHead(500).end('sick host');
    };
    const r = await rig({ pools: pool('web', ups), routes: [{ name: 'app', pool: 'web' }] }, ups);
    for (let i = 0; i < 80; i++) {
      const res = await send(`${r.url}/p/${i % 4}`);
      assert.equal(res.status, 200, `request ${i}`);
    }
    const ejected = r.events('host.ejected');
    assert.deepEqual(
      ejected.map((e) => [e.host, e.reason]),
      [[`127.0.0.1:${ups[0]!.port}`, 'failure_rate']],
    );
    assert.deepEqual(r.events('endpoint.transition'), [], 'no endpoint is blamed for one host');
    assert.deepEqual(
      r.events('breaker.transition').filter((e) => e.to === 'open'),
      [],
    );
  });

  it('the same endpoint failing on both hosts ejects neither', async () => {
    const state = { broken: true, hits: new Map<string, number>() };
    const ups = await upstreams(2, app(state));
    const r = await rig({ pools: pool('web', ups), routes: [{ name: 'app', pool: 'web' }] }, ups);
    for (let i = 0; i < 40; i++) {
      await send(`${r.url}/broken`);
      assert.equal((await send(`${r.url}/ok`)).status, 200);
    }
    assert.deepEqual(hostsOut(r), []);
    assert.equal(r.events('endpoint.transition')[0]?.to, 'open');
  });
});

describe('a single-host pool', () => {
  it('is taken out only when it cannot be reached, with half-open probes; a broken page breaks alone', async () => {
    const state = { broken: true, hits: new Map<string, number>() };
    const [up] = await upstreams(1, app(state));
    const r = await rig({ pools: pool('solo', [up!]), routes: [{ name: 'app', pool: 'solo' }] }, [up!]);
    for (let i = 0; i < 30; i++) {
      await send(`${r.url}/broken`);
      assert.equal((await send(`${r.url}/fine`)).status, 200);
    }
    assert.deepEqual(hostsOut(r), [], '500s never take the only host out');
    assert.equal((await send(`${r.url}/broken`)).headers['x-keel-error'], 'KEEL_ERR_ENDPOINT_FAILING');

    // The host goes away: connection-level failures open its breaker.
    const port = up!.port;
    up!.kill();
    let last = await send(`${r.url}/fine`);
    for (let i = 0; i < 5 && last.status !== 503; i++) last = await send(`${r.url}/fine`);
    assert.equal(last.status, 503);
    assert.equal(last.headers['x-keel-error'], 'KEEL_ERR_BREAKER_OPEN');
    assert.ok(Number(last.headers['retry-after']) >= 1);
    assert.ok(r.events('breaker.transition').some((e) => e.to === 'open'));

    // Back: after the open timeout one probe closes the breaker.
    await up!.listen(port);
    r.clock.advance(5000);
    assert.equal((await send(`${r.url}/fine`)).status, 200);
    assert.deepEqual(
      r.events('breaker.transition').map((e) => `${e.from}>${e.to}`),
      ['closed>open', 'open>half_open', 'half_open>closed'],
    );
  });
});
