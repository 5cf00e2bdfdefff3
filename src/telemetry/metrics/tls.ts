/**
 * TLS at the edge (docs/tls.md, docs/http2.md): how long each served certificate has left, read
 * at scrape time, and counters of certificate reloads from the files and of HTTP/2 clients cut
 * off by a flood limit. Label values are bounded by the config (listeners, certificates) and the
 * event enums.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';
import type { MetricsSource } from './source.js';

export function registerTlsMetrics(bus: EventBus, registry: Registry, source: MetricsSource): () => void {
  new Gauge({
    name: 'keel_tls_certificate_expiry_seconds',
    help: 'Seconds until a served certificate expires (negative once expired), per listener and certificate (its first SNI name).',
    labelNames: ['listener', 'certificate'],
    registers: [registry],
    // Workers read the same files; the soonest expiry is the one to act on.
    aggregator: 'min',
    collect() {
      this.reset();
      for (const l of source.tls?.() ?? [])
        for (const c of l.certificates)
          this.set({ listener: l.listener, certificate: c.names[0] ?? c.subject }, c.expires_in_seconds);
    },
  });
  const reloads = new Counter({
    name: 'keel_tls_reloads_total',
    help: 'Certificate reloads after the files changed on disk, by result (ok|refused).',
    labelNames: ['listener', 'result'],
    registers: [registry],
  });
  const abuse = new Counter({
    name: 'keel_http2_clients_cut_total',
    help: 'HTTP/2 connections closed for passing a flood limit, by reason (rapid_reset|settings_flood|ping_flood).',
    labelNames: ['listener', 'reason'],
    registers: [registry],
  });
  // Rare events (a reload, a cut-off client): labels are looked up each time.
  const offs = [
    bus.on('tls.reload', (e) => reloads.inc({ listener: e.listener, result: e.ok ? 'ok' : 'refused' })),
    bus.on('http2.abuse', (e) => abuse.inc({ listener: e.listener, reason: e.reason })),
  ];
  return () => {
    for (const off of offs) off();
  };
}
