/**
 * GET /api/v1/series on the cluster primary: every live worker is asked for its raw series over
 * IPC (bounded by the RPC timeout) and the counts and histograms are summed step by step onto the
 * primary's window (telemetry/series.ts). A worker that does not answer in time is left out.
 */
import type { Clock } from '../core/clock.js';
import { mergeSeriesRaw, type SeriesRaw, SeriesRecorder } from '../telemetry/series.js';
import type { WorkerHandle } from './worker-ops.js';

export function clusterSeries(
  workers: readonly WorkerHandle[],
  clock: Clock,
  timeoutMs: number,
): (minutes: number) => Promise<SeriesRaw> {
  const empty = new SeriesRecorder(); // the primary serves no request: it only frames the window
  return async (minutes) => {
    const live = workers.filter((w) => w.live);
    const answers = await Promise.allSettled(live.map((w) => w.ask({ kind: 'series', minutes }, timeoutMs)));
    const ok = answers.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    return mergeSeriesRaw(empty.raw(clock.now(), minutes), ok);
  };
}
