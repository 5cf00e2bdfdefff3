/**
 * What counts as good, per SLO kind (docs/slo.md "The model"). A classifier is compiled once per
 * SLO so the hot path is a few comparisons: no allocation, no lookups beyond one Set.
 */
import type { SloConfig } from '../config/types.js';
import type { RequestDoneEvent } from '../core/events.js';

export type Verdict = 'good' | 'bad' | 'skip';
export type Classifier = (e: RequestDoneEvent) => Verdict;

/**
 * `routeNames`: every route in the config, used when the SLO names none ("every route").
 * Requests that matched no route (route "") and requests whose client went away before a
 * response head (status 0: nothing was answered to judge) are skipped.
 */
export function compileClassifier(slo: SloConfig, routeNames: readonly string[]): Classifier {
  const routes = new Set(slo.routes.length > 0 ? slo.routes : routeNames);
  const badStatuses = new Set(slo.good.bad_statuses);
  const clientBad = slo.good.client_errors_bad;
  const isBad = (e: RequestDoneEvent): boolean =>
    e.shed || e.status >= 500 || badStatuses.has(e.status) || (clientBad && e.status >= 400);
  switch (slo.kind) {
    case 'availability':
    case 'error_rate':
      return (e) => (!routes.has(e.route) || e.status === 0 ? 'skip' : isBad(e) ? 'bad' : 'good');
    case 'latency': {
      const threshold = slo.latency_threshold ?? Number.POSITIVE_INFINITY;
      // Any threshold, not only histogram bucket edges: the exact duration is compared.
      return (e) =>
        !routes.has(e.route) || e.status === 0
          ? 'skip'
          : e.shed || e.status >= 500 || e.durationMs >= threshold
            ? 'bad'
            : 'good';
    }
    case 'throughput':
      // Every request counts towards the minute's rate; minutes are judged in buckets.ts.
      return (e) => (routes.has(e.route) ? 'good' : 'skip');
  }
}
