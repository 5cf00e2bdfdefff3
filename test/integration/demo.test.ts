/**
 * The demo end to end, through the same code path as `keel demo`: put app-2 down through the
 * admin API; GETs keep succeeding; /api/v1/pools shows app-2 out of rotation within seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoUpstreamInfo, PoolView } from '../../src/admin/api-types.js';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, getJson, keepAliveAgent, loadLoop, waitFor } from './control-util.js';

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
    // The test before took app-2 down: start once every host is back in rotation.
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
