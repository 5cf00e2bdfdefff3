/**
 * GET /metrics for the admin server. The shape matches admin's AdminRoute structurally, since
 * telemetry may not import admin (docs/architecture.md, "Rooms"); the composition root's admin
 * surface adds it (src/app/admin-surface.ts).
 */
import type { ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE } from './registry.js';

export interface MetricsRoute {
  method: 'GET';
  path: '/metrics';
  access: 'read';
  handle(ctx: { res: ServerResponse }): Promise<undefined>;
}

/** `text` renders the exposition (one process's registry, or the workers' aggregate). */
export function metricsRoute(text: () => Promise<string>): MetricsRoute {
  return {
    method: 'GET',
    path: '/metrics',
    access: 'read',
    handle: async ({ res }) => {
      const body = await text();
      res.writeHead(200, {
        'content-type': METRICS_CONTENT_TYPE,
        'cache-control': 'no-store',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
      return undefined;
    },
  };
}
