/**
 * The admin API's route table. Handlers read a backend (one gateway in-process, or the
 * supervisor asking its workers over IPC), so the same routes serve both process models.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type PurgeRequest, type PurgeResult, parsePurge } from '../proxy/cache/purge.js';
import type { ListenerTlsView } from '../proxy/tls/view.js';
import type {
  ConfigInfo,
  DemoUpstreamInfo,
  PoolView,
  ReadyBody,
  ReloadResponse,
  RouteView,
  WorkersResponse,
} from './api-types.js';
import type { Access } from './auth.js';
import { httpStatus } from './health.js';
import { HttpError } from './http.js';

export type DemoFaultResult =
  | { ok: true; upstream: DemoUpstreamInfo }
  | { ok: false; status: 400 | 404; message: string };

export interface DemoControl {
  list(): DemoUpstreamInfo[];
  applyFault(name: string, body: unknown): Promise<DemoFaultResult>;
}

export interface AdminBackend {
  pools(): PoolView[] | Promise<PoolView[]>;
  routes(): RouteView[] | Promise<RouteView[]>;
  config(): ConfigInfo;
  readiness(): ReadyBody | Promise<ReadyBody>;
  /** raw: a posted config object, or undefined to re-read the config file; fix: `?fix=true`. */
  reload(raw: unknown, fix?: boolean): Promise<ReloadResponse>;
  /** The TLS listeners' certificates (docs/tls.md, "Expiry"); absent = no TLS view. */
  tls?: () => ListenerTlsView[] | Promise<ListenerTlsView[]>;
  /** Removes stored responses from the edge cache (every worker's, under the supervisor). */
  cachePurge?: (req: PurgeRequest) => Promise<PurgeResult>;
  /** Only under the supervisor (`keel run --workers N`, N > 1). */
  workers?: () => Promise<WorkersResponse>;
  /** Only in `keel demo`. */
  demo?: DemoControl | null;
}

export interface AdminReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface AdminContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Capture groups of a RegExp path. */
  params: string[];
  /** Parsed JSON body (POST only); undefined when empty. */
  body: unknown;
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact path, or a RegExp on the path (without the query string). */
  path: string | RegExp;
  access: Access;
  /** Return a reply, or undefined after writing `res` yourself (e.g. text/plain metrics). */
  handle(ctx: AdminContext): AdminReply | undefined | Promise<AdminReply | undefined>;
}

const HEALTH = { 'content-type': 'application/health+json' };

function noDemo(): HttpError {
  return new HttpError(404, 'not_found', 'demo upstreams exist only in `keel demo`', 'run `keel demo`');
}

export function coreRoutes(b: AdminBackend): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      access: 'probe',
      // Liveness: answering at all proves the process lives and its event loop turns.
      handle: () => ({ status: 200, body: { status: 'pass' }, headers: HEALTH }),
    },
    {
      method: 'GET',
      path: '/readyz',
      access: 'probe',
      handle: async () => {
        const r = await b.readiness();
        return { status: httpStatus(r.status), body: r, headers: HEALTH };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/pools',
      access: 'read',
      handle: async () => ({ status: 200, body: await b.pools() }),
    },
    {
      method: 'GET',
      path: '/api/v1/routes',
      access: 'read',
      handle: async () => ({ status: 200, body: await b.routes() }),
    },
    {
      method: 'GET',
      path: '/api/v1/tls',
      access: 'read',
      // Every TLS listener's certificates: names, expiry, the last refused reload (docs/tls.md).
      handle: async () => ({ status: 200, body: { listeners: b.tls ? await b.tls() : [] } }),
    },
    {
      method: 'GET',
      path: '/api/v1/config',
      access: 'read',
      handle: () => ({ status: 200, body: b.config() }),
    },
    {
      method: 'POST',
      path: '/api/v1/reload',
      access: 'mutate',
      handle: async ({ req, body }) => {
        // ?fix=true marks a reload as a fix: an SLO's freeze_reloads policy lets it through.
        const fix = new URL(req.url ?? '/', 'http://x').searchParams.get('fix') === 'true';
        const r = await b.reload(body, fix);
        // 409: refused because of the gateway's state (a budget freeze), not the config itself.
        const frozen = !r.ok && r.problems.some((p) => p.code === 'reload_frozen');
        return { status: r.ok ? 200 : frozen ? 409 : 422, body: r };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/cache/purge',
      // Always behind the admin token, even on loopback (docs/caching.md, "Purging").
      access: 'secret',
      handle: async ({ body }) => {
        if (!b.cachePurge)
          throw new HttpError(404, 'not_found', 'no edge cache in this process', 'add `cache:` to a route');
        const req = parsePurge(body);
        if (typeof req === 'string')
          throw new HttpError(
            400,
            'bad_request',
            req,
            'send {"url": "http://host/path"} or {"prefix": "host/path-prefix"}',
          );
        return { status: 200, body: await b.cachePurge(req) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/workers',
      access: 'read',
      handle: async () => {
        if (!b.workers)
          throw new HttpError(
            404,
            'not_found',
            'no workers: this gateway runs in one process',
            'run `keel run --workers N` with N > 1',
          );
        return { status: 200, body: await b.workers() };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/demo/upstreams',
      access: 'read',
      handle: () => {
        if (!b.demo) throw noDemo();
        return { status: 200, body: b.demo.list() };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/demo\/upstreams\/([^/]+)\/fault$/,
      access: 'mutate',
      handle: async ({ params, body }) => {
        if (!b.demo) throw noDemo();
        const name = safeDecode(params[0] ?? '');
        const r = await b.demo.applyFault(name, body ?? null);
        if (r.ok) return { status: 200, body: r.upstream };
        const fix =
          r.status === 404
            ? 'use one of the names listed by GET /api/v1/demo/upstreams'
            : 'send {"mode":"down"|"slow"|"errors"|"ok","latency_ms":n,"error_rate":0..1}';
        throw new HttpError(r.status, r.status === 404 ? 'not_found' : 'bad_request', r.message, fix);
      },
    },
  ];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(
      400,
      'bad_request',
      `malformed percent-encoding in "${s}"`,
      'encode the upstream name with encodeURIComponent',
    );
  }
}
