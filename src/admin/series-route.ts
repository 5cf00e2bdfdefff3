/**
 * GET /api/v1/series?minutes=N (access `read`): RED per route and per pool over the last N
 * minutes (1..15, default 5) at a 2 s step, for the dashboard's charts (docs/dashboard.md). Under
 * the supervisor the raw series come from every worker and are summed (src/app/cluster-series.ts).
 */
import { SERIES_MAX_MINUTES, type SeriesRaw, seriesResponse } from '../telemetry/series.js';
import { HttpError } from './http.js';
import type { AdminRoute } from './routes.js';

export function seriesRoute(raw: (minutes: number) => SeriesRaw | Promise<SeriesRaw>): AdminRoute {
  return {
    method: 'GET',
    path: '/api/v1/series',
    access: 'read',
    handle: async ({ req }) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('minutes');
      const minutes = q === null ? 5 : Number(q);
      if (!Number.isFinite(minutes) || minutes <= 0 || minutes > SERIES_MAX_MINUTES)
        throw new HttpError(
          400,
          'bad_request',
          `minutes must be a number in (0, ${SERIES_MAX_MINUTES}], got "${q}"`,
          `use e.g. ?minutes=5 (at most ${SERIES_MAX_MINUTES})`,
        );
      return { status: 200, body: seriesResponse(await raw(minutes)) };
    },
  };
}
