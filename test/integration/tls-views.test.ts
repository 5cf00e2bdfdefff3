/**
 * Certificate expiry where operators look (docs/tls.md, "Expiry"): GET /api/v1/tls, the
 * keel_tls_certificate_expiry_seconds gauge on /metrics, and the handoff report, where a
 * certificate within 14 days of its end is an active incident.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HandoffReport } from '../../src/admin/handoff/types.js';
import { type App, startApp } from '../../src/app/app.js';
import type { ListenerTlsView } from '../../src/proxy/tls/view.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { getJson } from './control-util.js';
import { makeConfig, type Upstream, upstreams } from './proxy-util.js';
import { Pki } from './tls-util.js';

const pki = new Pki();
let ups: Upstream[];
let app: App;
let admin: string;

before(async () => {
  ups = await upstreams(1);
  const soon = pki.ca.leaf('soon.example', { days: 5 });
  const later = pki.ca.leaf('later.example', { days: 90 });
  app = await startApp({
    config: makeConfig({
      admin: { host: '127.0.0.1', port: 0 },
      listeners: [
        {
          name: 'edge',
          host: '127.0.0.1',
          port: 0,
          tls: { cert: later.cert, key: later.key, sni: [{ cert: soon.cert, key: soon.key }] },
        },
      ],
      pools: { web: { hosts: [ups[0]!.url] } },
      routes: [{ pool: 'web' }],
    }),
    version: 'v1',
    logger: createLogger({ level: 'silent' }),
  });
  admin = `http://127.0.0.1:${app.admin!.port}`;
});

after(async () => {
  await app?.shutdown('test done');
  for (const u of ups ?? []) await u.close();
  pki.close();
});

describe('certificate expiry in the views', () => {
  it('GET /api/v1/tls lists each listener with its certificates and days left', async () => {
    const body = await getJson<{ listeners: ListenerTlsView[] }>(`${admin}/api/v1/tls`);
    const [edge] = body?.listeners ?? [];
    assert.equal(edge?.listener, 'edge');
    assert.deepEqual(
      edge?.certificates.map((c) => [c.names, Math.round(c.expires_in_seconds / 86_400)]),
      [
        [['later.example'], 90],
        [['soon.example'], 5],
      ],
    );
  });

  it('exports keel_tls_certificate_expiry_seconds per listener and certificate', async () => {
    const text = await (await fetch(`${admin}/metrics`)).text();
    const line = (name: string) =>
      text
        .split('\n')
        .find((l) =>
          l.startsWith(`keel_tls_certificate_expiry_seconds{listener="edge",certificate="${name}"}`),
        );
    const days = (name: string) => Math.round(Number(line(name)?.split(' ')[1]) / 86_400);
    assert.equal(days('soon.example'), 5);
    assert.equal(days('later.example'), 90);
  });

  it('makes a certificate within 14 days of expiry an active incident in the handoff report', async () => {
    const r = await getJson<HandoffReport>(`${admin}/handoff`);
    const certs = r?.details.incidents.filter((i) => i.kind === 'certificate_expiring') ?? [];
    assert.deepEqual(
      certs.map((i) => [i.listener, i.certificate, i.state]),
      [['edge', 'soon.example', 'expiring']],
    );
    assert.match(
      certs[0]!.description,
      /certificate soon\.example on listener edge expires in [45] day\(s\)/,
    );
    assert.ok((r?.active_incidents ?? 0) >= 1);
    assert.equal(r?.system_health, 'degraded');
    assert.ok(r?.details.health_reasons.some((h) => h.includes('soon.example')));
  });
});
