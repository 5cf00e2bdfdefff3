/**
 * The composition root wires alert delivery (docs/alerts.md): with receivers configured, an
 * 'slo.alert' on the app's bus reaches the destination; a reload that removes the receivers stops
 * delivery; without receivers nothing subscribes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { alert, type Double, startDouble } from '../../src/telemetry/alerts/doubles.test-util.js';
import { waitFor } from './control-util.js';
import { startKeel } from './metrics-util.js';
import { pool, type Upstream, upstreams } from './proxy-util.js';

const cleanup: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function keelWith(hook: Double | null, ups: Upstream[]) {
  const raw = {
    // Port 0 here too, not the defaults: the reload below re-applies these, and a listener left
    // out would fall back to port 8080 (admin: 9901), which anything may hold.
    listeners: [{ name: 'main', host: '127.0.0.1', port: 0 }],
    admin: { host: '127.0.0.1', port: 0 },
    pools: pool('web', ups),
    routes: [{ name: 'api', pool: 'web' }],
    alerts: {
      receivers: hook
        ? [{ name: 'hook', type: 'webhook', url: hook.receiver().url, headers: hook.receiver().headers }]
        : [],
    },
  };
  const keel = await startKeel(raw);
  cleanup.push(() => keel.app.shutdown('test'));
  return { keel, raw };
}

describe('app: SLO alert delivery', () => {
  it('delivers slo.alert events to the configured receivers until a reload removes them', async () => {
    const ups = await upstreams(1);
    cleanup.push(() => Promise.all(ups.map((u) => u.close())));
    const hook = await startDouble('webhook', () => Date.now());
    cleanup.push(() => hook.close());
    const { keel, raw } = await keelWith(hook, ups);
    keel.app.bus.channel('slo.alert').publish(alert({ at: Date.now() }));
    await waitFor('the webhook to receive the alert', () => (hook.received.length === 1 ? true : undefined));
    assert.deepEqual(hook.problems, []);
    assert.equal(hook.received[0]?.key, 'checkout:page-fast');

    const res = await keel.app.reload('api', { ...raw, alerts: { receivers: [] } });
    assert.equal(res.ok, true, JSON.stringify(res));
    assert.equal(keel.app.bus.channel('slo.alert').active, false);
  });

  it('subscribes nothing without receivers', async () => {
    const ups = await upstreams(1);
    cleanup.push(() => Promise.all(ups.map((u) => u.close())));
    const { keel } = await keelWith(null, ups);
    assert.equal(keel.app.bus.channel('slo.alert').active, false);
  });
});
