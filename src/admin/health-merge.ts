/**
 * Readiness under the supervisor (`keel run --workers N`): the primary's /readyz merges what
 * each worker reports. Every worker's check entries are kept under the same key with a
 * `componentId` of `worker-<id>` — the draft's way to report one measurement from several
 * instances (draft-inadarei-api-health-check §4) — and the overall status is the worst entry:
 * the node is ready only when every worker is, because node:cluster hands each worker its share
 * of the connections and a worker without a healthy host would fail its share.
 *
 * `workers:up`: pass when every worker answered; warn when some are restarting (not live: the
 * cluster sends them nothing, the others carry the traffic); fail when no worker answered, or
 * a live worker did not answer in time (its event loop is stuck and its connections stall).
 */
import type { ReadyBody, ReadyCheck } from './api-types.js';
import { overall } from './health.js';

export interface WorkerReadiness {
  id: number;
  live: boolean;
  /** The worker's own /readyz body, or null when it did not answer. */
  body: ReadyBody | null;
  error?: string;
}

export interface PrimaryReadiness {
  version: string;
  releaseId: string;
  draining: boolean;
  now: number;
}

export function mergeReadiness(p: PrimaryReadiness, workers: readonly WorkerReadiness[]): ReadyBody {
  const time = new Date(p.now).toISOString();
  const checks: Record<string, ReadyCheck[]> = {
    'gateway:draining': [
      {
        componentType: 'system',
        componentId: 'primary',
        status: p.draining ? 'fail' : 'pass',
        observedValue: p.draining,
        time,
        output: p.draining ? 'shutting down: not accepting new traffic' : 'accepting traffic',
      },
    ],
  };
  for (const w of workers) {
    if (!w.body) continue;
    for (const [key, entries] of Object.entries(w.body.checks)) {
      const list = checks[key] ?? [];
      for (const e of entries) list.push({ ...e, componentId: `worker-${w.id}` });
      checks[key] = list;
    }
  }
  checks['workers:up'] = [workersUp(workers, time)];
  return { status: overall(checks), version: p.version, releaseId: p.releaseId, checks };
}

function workersUp(workers: readonly WorkerReadiness[], time: string): ReadyCheck {
  const answered = workers.filter((w) => w.body !== null).length;
  const stuck = workers.filter((w) => w.live && w.body === null);
  const restarting = workers.filter((w) => !w.live).length;
  const status = answered === 0 || stuck.length > 0 ? 'fail' : restarting > 0 ? 'warn' : 'pass';
  const notes = [
    ...stuck.map((w) => `worker ${w.id}: ${w.error ?? 'no answer'}`),
    ...(restarting > 0 ? [`${restarting} restarting`] : []),
  ];
  return {
    componentType: 'system',
    componentId: 'primary',
    status,
    observedValue: answered,
    observedUnit: 'workers',
    time,
    output: `${answered}/${workers.length} workers answered${notes.length ? `; ${notes.join('; ')}` : ''}`,
  };
}
