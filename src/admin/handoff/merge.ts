/**
 * The supervisor's primary merges every worker's handoff inputs into one (`keel run --workers N`):
 * - pools: the caller's mergePools (worst host state anywhere, `available` the minimum);
 * - process load: the maximum across workers (the busiest worker is the one that saturates);
 * - concurrency: per pool, the worker nearest its limit (each worker has its own bulkhead);
 * - traffic: summed (same fixed buckets everywhere);
 * - changes: merged by time, newest first, tagged with the worker; a config reload that every
 *   worker applied is shown once;
 * - route breakers and alerts: the union;
 * - TLS certificates: per listener, the worker whose certificates expire soonest (every worker
 *   reads the same files; one that has not reloaded yet still serves the older ones).
 */
import type { ListenerTlsView } from '../../proxy/tls/view.js';
import type { PoolView } from '../../proxy/upstream/types.js';
import type { Change } from '../../telemetry/changes.js';
import type { HandoffInputs, PoolConcurrency } from './types.js';

export function mergeHandoffInputs(
  perWorker: Array<{ id: number; inputs: HandoffInputs }>,
  /** The primary's own facts; `changes` are its own (e.g. reloads it rejected before any worker saw them). */
  base: {
    now: number;
    config_version: string;
    draining: boolean;
    optional_pools: string[];
    changes: Change[];
  },
  mergePools: (views: PoolView[][]) => PoolView[],
): HandoffInputs {
  const all = perWorker.map((w) => w.inputs);
  const max = (f: (i: HandoffInputs) => number) => Math.max(0, ...all.map(f));
  return {
    ...base,
    draining: base.draining || all.some((i) => i.draining),
    workers: perWorker.length,
    pools: mergePools(all.map((i) => i.pools)),
    concurrency: mergeConcurrency(all.flatMap((i) => i.concurrency)),
    load: {
      cpu_percent: max((i) => i.load.cpu_percent),
      event_loop_utilization_percent: max((i) => i.load.event_loop_utilization_percent),
      event_loop_delay_p99_ms: max((i) => i.load.event_loop_delay_p99_ms),
      window_ms: max((i) => i.load.window_ms),
    },
    route_breakers: unique(
      all.flatMap((i) => i.route_breakers),
      (r) => r.route,
    ),
    alerts: unique(
      all.flatMap((i) => i.alerts),
      (a) => a.name,
    ),
    changes: mergeChanges(perWorker, base.changes),
    traffic: mergeTraffic(all),
    tls: mergeTls(all),
  };
}

function mergeTls(all: HandoffInputs[]): ListenerTlsView[] {
  const soonest = (l: ListenerTlsView) => Math.min(...l.certificates.map((c) => c.expires_in_seconds));
  const byListener = new Map<string, ListenerTlsView>();
  for (const l of all.flatMap((i) => i.tls ?? [])) {
    const prev = byListener.get(l.listener);
    if (!prev || soonest(l) < soonest(prev) || (prev.last_problem === null && l.last_problem !== null))
      byListener.set(l.listener, l);
  }
  return [...byListener.values()];
}

function mergeConcurrency(all: PoolConcurrency[]): PoolConcurrency[] {
  const byPool = new Map<string, PoolConcurrency>();
  const ratio = (c: PoolConcurrency) => (c.limit > 0 ? c.in_flight / c.limit : 0);
  for (const c of all) {
    const prev = byPool.get(c.pool);
    if (!prev || ratio(c) > ratio(prev)) byPool.set(c.pool, c);
  }
  return [...byPool.values()];
}

function mergeChanges(perWorker: Array<{ id: number; inputs: HandoffInputs }>, own: Change[]): Change[] {
  const seenReloads = new Set<string>();
  return perWorker
    .flatMap((w) => w.inputs.changes.map((c) => (c.type === 'config.reload' ? c : { ...c, worker: w.id })))
    .concat(own)
    .sort((a, b) => b.time.localeCompare(a.time))
    .filter((c) => {
      if (c.type !== 'config.reload') return true;
      if (seenReloads.has(c.reason)) return false;
      seenReloads.add(c.reason);
      return true;
    });
}

function mergeTraffic(all: HandoffInputs[]): HandoffInputs['traffic'] {
  const ts = all.flatMap((i) => (i.traffic ? [i.traffic] : []));
  if (ts.length === 0) return null;
  const first = ts[0]!;
  return {
    window_seconds: first.window_seconds,
    requests: ts.reduce((n, t) => n + t.requests, 0),
    errors_5xx: ts.reduce((n, t) => n + t.errors_5xx, 0),
    bounds_ms: first.bounds_ms,
    counts: first.counts.map((_, b) => ts.reduce((n, t) => n + (t.counts[b] ?? 0), 0)),
  };
}

function unique<T>(xs: T[], key: (x: T) => string): T[] {
  return [...new Map(xs.map((x) => [key(x), x])).values()];
}
