/**
 * The admin server: node:http, no framework (docs/operations.md, "The admin API"). It must never
 * crash on bad input: every handler error becomes a JSON answer, bodies are bounded, slow clients
 * time out. Before a route runs, AdminGuard refuses what a foreign web page could send
 * (docs/security.md), and AdminAuth asks for the token where one is needed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminAuth } from './auth.js';
import { AdminGuard } from './guard.js';
import { HttpError, readJsonBody, sendJson } from './http.js';
import { type AdminBackend, type AdminRoute, coreRoutes } from './routes.js';

export interface AdminServerOptions {
  host: string;
  port: number;
  token: string | null;
  /** Where a generated token can be read, for the 401 hint; absent when the config set the token. */
  tokenSource?: () => string;
  /** Host names besides IP literals and localhost that the admin API answers to (admin.allowed_hosts). */
  allowedHosts?: readonly string[];
  backend: AdminBackend;
  /** Routes added by other rooms (/metrics, /handoff, the dashboard); matched after the core ones. */
  routes?: AdminRoute[];
  /** Called with unexpected handler errors (logged by the caller). */
  onError?: (err: unknown) => void;
}

export interface AdminServer {
  listen(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
}

export function createAdminServer(opts: AdminServerOptions): AdminServer {
  const auth = new AdminAuth(opts.host, opts.token); // throws on a non-loopback admin without a token
  const guard = new AdminGuard({ allowedHosts: opts.allowedHosts ?? [] });
  const source = opts.tokenSource;
  const tokenHint = (): string =>
    source
      ? `send \`Authorization: Bearer <token>\`; the token is in ${source()} (the keel CLI reads it from there)`
      : 'send `Authorization: Bearer <admin.token>`';
  const routes: AdminRoute[] = [...coreRoutes(opts.backend), ...(opts.routes ?? [])];
  const server: Server = createServer((req, res) => {
    handle(req, res, routes, auth, guard, tokenHint).catch((err: unknown) => {
      if (err instanceof HttpError) return sendJson(res, err.status, err.body(), err.headers);
      opts.onError?.(err);
      sendJson(res, 500, {
        error: { code: 'KEEL_ERR_INTERNAL', message: 'admin handler failed', fix: 'see the gateway log' },
      });
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          resolve({ host: opts.host, port: a.port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: AdminRoute[],
  auth: AdminAuth,
  guard: AdminGuard,
  tokenHint: () => string,
) {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  let allowed: string[] = [];
  for (const route of routes) {
    const params = match(route.path, path);
    if (!params) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    if (route.access !== 'probe') {
      try {
        guard.check(req.headers, method !== 'GET');
      } catch (err) {
        req.resume();
        throw err;
      }
    }
    if (!auth.allows(route.access, req.headers.authorization)) {
      req.resume();
      throw new HttpError(
        401,
        'KEEL_ERR_ADMIN_UNAUTHORIZED',
        'this admin endpoint requires the admin token',
        auth.hasToken
          ? tokenHint()
          : 'set admin.token in the config (e.g. from an environment variable), then send `Authorization: Bearer <admin.token>`',
        { 'www-authenticate': 'Bearer realm="keel-admin"' },
      );
    }
    if (method === 'GET') req.resume();
    const body = method === 'GET' ? undefined : await readJsonBody(req);
    const reply = await route.handle({ req, res, params, body });
    if (reply) sendJson(res, reply.status, reply.body, reply.headers);
    return;
  }
  req.resume();
  if (allowed.length > 0) {
    allowed = [...new Set(allowed)];
    throw new HttpError(
      405,
      'method_not_allowed',
      `${req.method} is not allowed on ${path}`,
      `use ${allowed.join(' or ')}`,
      { allow: allowed.join(', ') },
    );
  }
  throw new HttpError(
    404,
    'not_found',
    `no admin endpoint at ${path}`,
    'see docs/operations.md for the admin API',
  );
}

function match(pattern: string | RegExp, path: string): string[] | null {
  if (typeof pattern === 'string') return pattern === path ? [] : null;
  const m = pattern.exec(path);
  return m ? m.slice(1).map((s) => s ?? '') : null;
}
