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
});
