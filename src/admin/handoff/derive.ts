/**
 * deriveHandoff: the handoff report as a PURE function of live signals (docs/handoff.md is the
 * contract; keep the two in step). No clock, no I/O: the caller gathers inputs (source.ts, or the
 * supervisor's merge of every worker's inputs).
 */

import { certificateLabel } from '../../proxy/tls/view.js';
import { histogramQuantile } from '../../telemetry/traffic-window.js';
import { CERT_WARNING_DAYS, deriveIncidents } from './incidents.js';
import { deriveLoad } from './load.js';
import type {
  HandoffDetails,
  HandoffInputs,
  HandoffReport,
  HandoffThresholds,
  SystemHealth,
} from './types.js';

/** How many changes the top-level `recent_changes` shows (the ring keeps more). */
export const RECENT_CHANGES_SHOWN = 20;

export function deriveHandoff(i: HandoffInputs, t: HandoffThresholds): HandoffReport {
  const load = deriveLoad(i);
  const incidents = deriveIncidents(i);
  const { health, reasons } = deriveHealth(i, load.percent, t);
  return {
    system_health: health,
    current_load: `${load.percent}%`,
    scaling_headroom: `${Math.max(0, Math.round(t.threshold_percent) - load.percent)}%`,
    active_incidents: incidents.length,
    recent_changes: i.changes.slice(0, RECENT_CHANGES_SHOWN),
    details: {
      incidents,
      health_reasons: reasons,
      load: load.details,
      thresholds: { threshold_percent: t.threshold_percent },
      pools: i.pools.map((p) => ({
        name: p.name,
        optional: i.optional_pools.includes(p.name),
        available: p.available,
        total: p.total,
        panic: p.panic,
        ejected: p.hosts.filter((h) => h.ejected).map((h) => h.name),
        unhealthy: p.hosts.filter((h) => !h.healthy).map((h) => h.name),
        breakers_open: p.hosts.filter((h) => h.breaker && h.breaker.state !== 'closed').map((h) => h.name),
        endpoints_failing: (p.endpoints ?? [])
          .filter((e) => e.state !== 'closed')
          .map((e) => `${e.route} ${e.endpoint}`),
      })),
      route_breakers: i.route_breakers,
      alerts: i.alerts,
      policy_actions: i.policy_actions ?? [],
      traffic: traffic(i),
      config_version: i.config_version,
      draining: i.draining,
      workers: i.workers,
      generated_at: new Date(i.now).toISOString(),
      derivation: 'docs/handoff.md',
    },
  };
}

/** critical beats degraded beats healthy; every reason is listed so the verdict can be checked. */
function deriveHealth(
  i: HandoffInputs,
  loadPercent: number,
  t: HandoffThresholds,
): { health: SystemHealth; reasons: string[] } {
  const critical: string[] = [];
  const degraded: string[] = [];
  for (const p of i.pools) {
    const optional = i.optional_pools.includes(p.name);
    const down = p.available === 0 || p.panic;
    if (down) {
      const why = p.panic ? `pool ${p.name} in panic mode` : `pool ${p.name} has no available host`;
      (optional ? degraded : critical).push(optional ? `optional ${why}` : why);
    }
    for (const h of p.hosts) {
      if (h.breaker && h.breaker.state !== 'closed')
        degraded.push(`breaker ${h.breaker.state} on ${p.name}/${h.name}`);
      if (h.ejected) degraded.push(`host ${p.name}/${h.name} ejected`);
      if (!h.healthy) degraded.push(`host ${p.name}/${h.name} unhealthy`);
    }
    for (const e of p.endpoints ?? []) {
      if (e.state !== 'closed')
        degraded.push(`endpoint ${e.endpoint} of route ${e.route} failing (${e.state})`);
    }
  }
  for (const r of i.route_breakers) degraded.push(`route breaker ${r.state} on ${r.route}`);
  for (const a of i.alerts) (a.severity === 'critical' ? critical : degraded).push(`alert ${a.name} firing`);
  for (const l of i.tls ?? []) {
    for (const c of l.certificates) {
      // Expired: every client of that name fails its handshake. Expiring: an incident to act on.
      if (c.expires_in_seconds < 0)
        critical.push(`certificate ${certificateLabel(c)} on ${l.listener} expired`);
      else if (c.expires_in_seconds < CERT_WARNING_DAYS * 86_400)
        degraded.push(
          `certificate ${certificateLabel(c)} on ${l.listener} expires within ${CERT_WARNING_DAYS} days`,
        );
    }
    if (l.last_problem !== null)
      degraded.push(`certificate reload refused on ${l.listener}: ${l.last_problem}`);
  }
  if (loadPercent >= t.threshold_percent)
    degraded.push(`load ${loadPercent}% at or above the scaling threshold ${t.threshold_percent}%`);
  if (critical.length > 0) return { health: 'critical', reasons: [...critical, ...degraded] };
  if (degraded.length > 0) return { health: 'degraded', reasons: degraded };
  return { health: 'healthy', reasons: [] };
}

function traffic(i: HandoffInputs): HandoffDetails['traffic'] {
  const t = i.traffic;
  if (!t) return null;
  return {
    window_seconds: t.window_seconds,
    requests: t.requests,
    errors_5xx: t.errors_5xx,
    error_rate: t.requests > 0 ? t.errors_5xx / t.requests : 0,
    p95_ms: histogramQuantile(0.95, t.bounds_ms, t.counts),
  };
}
