/**
 * The demo end to end, through the same code path as `keel demo`: put app-2 down through the
 * admin API; GETs keep succeeding; /api/v1/pools shows app-2 out of rotation within seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoUpstreamInfo, PoolView } from '../../src/admin/api-types.js';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, getJson, keepAliveAgent, loadLoop, waitFor } from './control-util.js';
import { parse, scrape, sum } from './metrics-util.js';

let demo: Demo;
before(async () => {
  demo = await startDemo({
    port: 0,
    adminPort: 0,
    upstreamPorts: [0, 0, 0],
    logger: createLogger({ level: 'silent' }),
  });
});
after(() => demo?.close());

describe('keel demo', () => {
  it('serves through the pool and lists the demo upstreams', async () => {
    const r = await fetch(`${demo.gatewayUrl}/hello`);
    assert.equal(r.status, 200);
    assert.match(((await r.json()) as { upstream: string }).upstream, /^app-[123]$/);
    const ups = await getJson<DemoUpstreamInfo[]>(`${demo.adminUrl}/api/v1/demo/upstreams`);
    assert.deepEqual(
      ups?.map((u) => u.name),
      ['app-1', 'app-2', 'app-3'],
    );
  });

  it('app-2 down: GETs keep succeeding and the pool shows app-2 out of rotation', async () => {
    const agent = keepAliveAgent();
    const loop = loadLoop(`${demo.gatewayUrl}/work`, { concurrency: 4, agent });
    try {
      await waitFor('traffic', () => (loop.outcomes.length >= 20 ? true : undefined));
      const res = await adminPost(demo.adminUrl, '/api/v1/demo/upstreams/app-2/fault', { mode: 'down' });
      assert.equal(res.status, 200);
      const host = await waitFor('app-2 out of rotation', async () => {
        const pools = await getJson<PoolView[]>(`${demo.adminUrl}/api/v1/pools`);
        const h = pools?.[0]?.hosts.find((x) => x.name === 'app-2');
        return h && h.state !== 'healthy' && h.state !== 'slow_start' ? h : undefined;
      });
      assert.ok(
        ['ejected', 'breaker_open', 'unhealthy', 'breaker_half_open'].includes(host.state),
        host.state,
      );
      const n = loop.outcomes.length;
      await waitFor('more traffic', () => (loop.outcomes.length >= n + 50 ? true : undefined));
    } finally {
      const outcomes = await loop.stop();
      agent.destroy();
      const failed = outcomes.filter((o) => o.status !== 200);
      assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} GETs failed`);
    }
    await adminPost(demo.adminUrl, '/api/v1/demo/upstreams/app-2/fault', { mode: 'ok' });
  });

  it('one broken page on every host (a fault scoped to /broken): refused alone, no host down', async () => {
    const fault = (name: string, body: unknown) =>
      adminPost(demo.adminUrl, `/api/v1/demo/upstreams/${name}/fault`, body);
    const inRotation = async () => {
      const pools = await getJson<PoolView[]>(`${demo.adminUrl}/api/v1/pools`);
      return pools?.[0]?.hosts.every((h) => h.state === 'healthy' || h.state === 'slow_start') === true;
    };
    // The test before took app-2 down, which may have opened its breaker: a request probes it
    // closed (allHealthy). Start once every host is back in rotation.
    await allHealthy();
    await waitFor(
      'every host back in rotation',
      async () => ((await inRotation()) ? true : undefined),
      20_000,
    );
    for (const name of ['app-1', 'app-2', 'app-3']) {
      const r = await fault(name, { mode: 'errors', error_rate: 1, path_prefix: '/broken' });
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as DemoUpstreamInfo).fault.path_prefix, '/broken');
    }
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const b = await fetch(`${demo.gatewayUrl}/broken`);
        statuses.push(b.status);
        if (b.status === 503) assert.equal(b.headers.get('x-keel-error'), 'KEEL_ERR_ENDPOINT_FAILING');
        assert.equal((await fetch(`${demo.gatewayUrl}/hello`)).status, 200, 'every other page is served');
      }
      assert.equal(statuses.at(-1), 503, statuses.join(' '));
      assert.equal(await inRotation(), true, 'no host was taken out for the broken page');
      const pools = await getJson<PoolView[]>(`${demo.adminUrl}/api/v1/pools`);
      assert.deepEqual(
        pools?.[0]?.endpoints.filter((e) => e.state === 'open').map((e) => `${e.route} ${e.endpoint}`),
        ['app GET /broken'],
      );
      const handoff = await getJson<{ details: { incidents: Array<{ kind: string; endpoint?: string }> } }>(
        `${demo.adminUrl}/handoff`,
      );
      assert.deepEqual(
        handoff?.details.incidents.filter((i) => i.kind !== 'alert').map((i) => [i.kind, i.endpoint]),
        [['endpoint_failing', 'GET /broken']],
      );
    } finally {
      for (const name of ['app-1', 'app-2', 'app-3']) await fault(name, { mode: 'ok' });
    }
  });
});

async function hostState(name: string): Promise<PoolView['hosts'][number] | undefined> {
  const pools = await getJson<PoolView[]>(`${demo.adminUrl}/api/v1/pools`);
  return pools?.[0]?.hosts.find((h) => h.name === name);
}

async function setFault(name: string, mode: string): Promise<void> {
  const res = await adminPost(demo.adminUrl, `/api/v1/demo/upstreams/${name}/fault`, { mode });
  assert.equal(res.status, 200);
}

/** Back to normal: every upstream ok, healthy, its breaker closed (a probe may be needed). */
async function allHealthy(): Promise<void> {
  for (const n of ['app-1', 'app-2', 'app-3']) await setFault(n, 'ok');
  await waitFor(
    'every host healthy with its breaker closed',
    async () => {
      await fetch(`${demo.gatewayUrl}/probe`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      const pools = await getJson<PoolView[]>(`${demo.adminUrl}/api/v1/pools`);
      const hosts = pools?.[0]?.hosts ?? [];
      return hosts.length === 3 &&
        hosts.every((h) => h.healthy && !h.ejected && h.breaker?.state === 'closed')
        ? true
        : undefined;
    },
    20_000,
  );
}

describe('keel demo, as the README walks through it', () => {
  it('app-2 down: out of rotation with no client failure; once two requests fail to connect to it, its breaker opens and it is ejected on those same two', async () => {
    await allHealthy();
    const since = new Date().toISOString();
    const connectFailures = async () => {
      return sum(parse((await scrape(demo.adminUrl)).text), 'http_client_request_duration_seconds_count', {
        server_address: 'app-2',
        error_type: 'connect',
      });
    };
    const before = await connectFailures();
    const agent = keepAliveAgent();
    const loop = loadLoop(`${demo.gatewayUrl}/work`, { concurrency: 2, agent });
    try {
      await setFault('app-2', 'down');
      // Which comes first depends on timing, and both are right (README, "Try it"): the health
      // checks mark app-2 unhealthy within about two seconds, traffic or not; p2c_ewma may send
      // it nothing before then. But once two requests have failed to connect to it, the breaker
      // and outlier ejection must both have acted on those two.
      // recent_changes shows the newest 20, and on a busy machine the other hosts' changes can
      // push app-2's first ones out between polls: gather what each poll shows.
      const gathered = new Map<string, HandoffReport['recent_changes'][number]>();
      let seen: string[] = [];
      let failures = 0;
      const has = (type: string, to?: string) =>
        [...gathered.values()].some((c) => c.type === type && (to === undefined || c.to === to));
      await waitFor(
        'app-2 unhealthy, and breaker open and ejected if two requests failed to connect to it',
        async () => {
          const r = await getJson<HandoffReport>(`${demo.adminUrl}/handoff`);
          for (const c of r?.recent_changes ?? [])
            if (c.host === 'app-2' && c.time >= since) gathered.set(`${c.time} ${c.type} ${c.to}`, c);
          failures = (await connectFailures()) - before;
          seen = [...gathered.values()].map((c) => `${c.type}${c.to ? `→${c.to}` : ''}`);
          const tripped = has('breaker.transition', 'open') && has('host.ejected');
          return has('health.changed', 'unhealthy') && (failures < 2 || tripped) ? true : undefined;
        },
        15_000,
      ).catch((e: Error) =>
        assert.fail(
          `${e.message}; ${failures} connect failures; app-2 changes seen: ${seen.join(', ') || 'none'}`,
        ),
      );
      const changes = [...gathered.values()];
      const open = changes.find((c) => c.type === 'breaker.transition' && c.to === 'open');
      const ejected = changes.find((c) => c.type === 'host.ejected');
      // The same two failures do both, or neither happened.
      assert.equal(Boolean(open), Boolean(ejected), `app-2 changes seen: ${seen.join(', ')}`);
      if (open) assert.match(open.reason, /2 consecutive failures/);
      if (ejected) assert.match(ejected.reason, /^consecutive_gateway_failure/);
      const state = await hostState('app-2');
      assert.ok(
        state && ['breaker_open', 'ejected', 'unhealthy', 'breaker_half_open'].includes(state.state),
        state?.state,
      );
    } finally {
      const outcomes = await loop.stop();
      agent.destroy();
      const failed = outcomes.filter((o) => o.status !== 200);
      assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} GETs failed`);
    }
    await allHealthy();
  });

  it('/static/logo: a miss that is stored, a hit, then stale-if-error once every upstream is down and max-age (10 s) has passed', async () => {
    const status = async () => {
      const res = await fetch(`${demo.gatewayUrl}/static/logo`);
      await res.arrayBuffer();
      return {
        code: res.status,
        cache: res.headers.get('cache-status') ?? '',
        cc: res.headers.get('cache-control'),
      };
    };
    const first = await status();
    assert.equal(first.code, 200);
    assert.match(first.cache, /^keel; fwd=uri-miss; fwd-status=200; stored$/);
    assert.equal(first.cc, 'public, max-age=10, stale-if-error=3600');
    const second = await status();
    assert.match(second.cache, /^keel; hit; ttl=(10|[1-9])$/);
    for (const n of ['app-1', 'app-2', 'app-3']) await setFault(n, 'down');
    const seen = new Set<string>();
    const stale = await waitFor(
      'stale-if-error after max-age',
      async () => {
        const s = await status();
        assert.equal(s.code, 200, `every answer is served: ${s.cache}`);
        seen.add(s.cache.replace(/ttl=-?\d+/, 'ttl=N'));
        return /detail=stale-if-error/.test(s.cache) ? s.cache : undefined;
      },
      20_000,
    );
    assert.match(stale, /^keel; hit; ttl=(0|-\d+); detail=stale-if-error$/);
    // Fresh hits until max-age, then stale-if-error: never a stale-while-revalidate in between.
    assert.deepEqual([...seen], ['keel; hit; ttl=N', 'keel; hit; ttl=N; detail=stale-if-error']);
    await allHealthy();
  });
});
