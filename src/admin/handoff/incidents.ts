/**
 * `active_incidents`: distinct problems, each counted once (docs/handoff.md, "Incidents").
 * - A pool in panic, or a pool with no available host, is ONE incident that subsumes its hosts'
 *   breakers and the breakers of routes to it: one root cause, one page.
 * - Otherwise each host breaker that is not closed is one incident (a host whose breaker is open
 *   counts once even if it is also ejected; an ejection alone is not an incident, it is degraded).
 * - Each route breaker not closed, on a pool not already counted, is one incident.
 * - Each endpoint breaker not closed, on a pool not already counted, is one incident
 *   ("endpoint failing"): one page of the application broken on every host, which no host fault
 *   explains — distinct from a host down (docs/health.md, "Endpoints").
 * - Each firing alert is one incident.
 * - Each served certificate that expires within CERT_WARNING_DAYS (or has expired) is one
 *   incident: renewing it is work someone must start now (docs/tls.md, "Expiry").
 * Open and half-open both count: half-open is the same incident, still recovering.
 */
import { certificateLabel } from '../../proxy/tls/view.js';
import type { HandoffInputs, Incident } from './types.js';

/** A certificate this close to its end is an incident (and the report degraded). */
export const CERT_WARNING_DAYS = 14;
const DAY_S = 86_400;

export function deriveIncidents(i: HandoffInputs): Incident[] {
  const out: Incident[] = [];
  const poolDown = new Set<string>();
  for (const p of i.pools) {
    const hostBreakers = p.hosts.filter((h) => h.breaker && h.breaker.state !== 'closed');
    if (p.panic || p.available === 0) {
      poolDown.add(p.name);
      const routes = i.route_breakers.filter((r) => r.pool === p.name).map((r) => `route:${r.route}`);
      const endpoints = (p.endpoints ?? [])
        .filter((e) => e.state !== 'closed')
        .map((e) => `endpoint:${e.route} ${e.endpoint}`);
      out.push({
        kind: p.panic ? 'pool_panic' : 'pool_down',
        pool: p.name,
        description: p.panic
          ? `pool ${p.name} in panic mode: ${p.available}/${p.total} hosts available, routing to all`
          : `pool ${p.name} has no available host (0/${p.total})`,
        subsumes: [...hostBreakers.map((h) => `host:${h.name}`), ...routes, ...endpoints],
      });
      continue;
    }
    for (const h of hostBreakers) {
      out.push({
        kind: 'host_breaker',
        pool: p.name,
        host: h.name,
        state: h.breaker!.state,
        ...(h.breaker!.opened_at ? { since: h.breaker!.opened_at } : {}),
        description: `breaker ${h.breaker!.state} on host ${h.name} of pool ${p.name}${h.ejected ? ' (also ejected)' : ''}`,
      });
    }
  }
  for (const p of i.pools) {
    if (poolDown.has(p.name)) continue;
    for (const e of p.endpoints ?? []) {
      if (e.state === 'closed') continue;
      out.push({
        kind: 'endpoint_failing',
        pool: p.name,
        route: e.route,
        endpoint: e.endpoint,
        state: e.state,
        since: e.since,
        description: `endpoint ${e.endpoint} of route ${e.route} failing on every host (endpoint breaker ${e.state}; ${e.refused} requests answered 503); the route's other endpoints are served`,
      });
    }
  }
  for (const r of i.route_breakers) {
    if (poolDown.has(r.pool)) continue;
    out.push({
      kind: 'route_breaker',
      pool: r.pool,
      route: r.route,
      state: r.state,
      since: r.since,
      description: `route breaker ${r.state} on route ${r.route} (pool ${r.pool})`,
    });
  }
  for (const a of i.alerts) {
    out.push({
      kind: 'alert',
      alert: a.name,
      state: a.severity,
      since: a.since,
      description: `alert ${a.name} firing (${a.severity}): ${a.summary}`,
    });
  }
  for (const l of i.tls ?? []) {
    for (const c of l.certificates) {
      const left = c.expires_in_seconds;
      if (left >= CERT_WARNING_DAYS * DAY_S) continue;
      const name = certificateLabel(c);
      const when =
        left < 0
          ? `expired ${Math.ceil(-left / DAY_S)} day(s) ago`
          : `expires in ${Math.floor(left / DAY_S)} day(s)`;
      out.push({
        kind: 'certificate_expiring',
        listener: l.listener,
        certificate: name,
        state: left < 0 ? 'expired' : 'expiring',
        since: c.not_after,
        description: `certificate ${name} on listener ${l.listener} ${when} (${c.not_after}, ${c.cert_file})`,
      });
    }
  }
  return out;
}
