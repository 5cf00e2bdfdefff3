/**
 * Validated input → resolved Config parts, with every default applied (defaults.ts). The file's
 * shorthands are expanded here: a host given as a URL string, `match.host` as one name or many.
 */
import {
  DEFAULT_ACTIVE_HEALTH,
  DEFAULT_BREAKER,
  DEFAULT_ENDPOINT_BREAKER,
  DEFAULT_HEDGE,
  DEFAULT_HSTS,
  DEFAULT_LISTENER,
  DEFAULT_LISTENER_TLS,
  DEFAULT_POOL,
  DEFAULT_REDIRECT_PORT,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_TIMEOUT,
  DEFAULT_RETRY,
  DEFAULT_ROUTE_CACHE,
  DEFAULT_ROUTE_TIMEOUT,
  DEFAULT_TOP,
  DEFAULT_UPGRADES,
  IDEMPOTENT_METHODS,
  merge,
} from './defaults.js';
import type { ConfigInput, PoolInput, RouteInput } from './schema.js';
import type {
  CacheStoresConfig,
  Config,
  HashKey,
  HostConfig,
  ListenerConfig,
  ListenerTlsConfig,
  PoolConfig,
  RouteCacheConfig,
  RouteConfig,
} from './types.js';
import { isBareOrigin } from './url.js';

export function resolveListeners(input: ConfigInput['listeners']): ListenerConfig[] {
  if (input === undefined) return [merge(DEFAULT_LISTENER, {})];
  return input.map((l, i) => ({
    name: l.name ?? (i === 0 ? DEFAULT_LISTENER.name : `listener-${i}`),
    host: l.host ?? DEFAULT_LISTENER.host,
    port: l.port ?? DEFAULT_LISTENER.port,
    tls: l.tls ? resolveListenerTls(l.tls) : null,
    // On by default where it can be: over TLS (docs/http2.md).
    http2: merge({ ...DEFAULT_LISTENER.http2, enabled: Boolean(l.tls) }, l.http2),
    redirect_https: resolveRedirect(l.redirect_https),
  }));
}

type ListenerTlsInput = NonNullable<NonNullable<ConfigInput['listeners']>[number]['tls']>;

function resolveListenerTls(t: ListenerTlsInput): ListenerTlsConfig {
  return {
    cert: t.cert,
    key: t.key,
    sni: (t.sni ?? []).map((e) => ({
      cert: e.cert,
      key: e.key,
      names: [...new Set((e.names ?? []).map((n) => n.toLowerCase()))],
    })),
    min_version: t.min_version ?? DEFAULT_LISTENER_TLS.min_version,
    ciphers: t.ciphers ?? DEFAULT_LISTENER_TLS.ciphers,
    client_ca: t.client_ca ?? null,
    client_auth: t.client_auth ?? (t.client_ca ? 'required' : 'none'),
    watch_interval: t.watch_interval ?? DEFAULT_LISTENER_TLS.watch_interval,
  };
}

function resolveRedirect(
  r: boolean | { port?: number | undefined } | null | undefined,
): { port: number } | null {
  if (r === undefined || r === null || r === false) return null;
  return { port: r === true ? DEFAULT_REDIRECT_PORT : (r.port ?? DEFAULT_REDIRECT_PORT) };
}

export function resolveAdmin(input: ConfigInput['admin'], template: Config['admin']): Config['admin'] {
  const admin = merge(template, input);
  // `token: ${KEEL_ADMIN_TOKEN:-}` reads as "no token unless set": an empty token means none.
  if (admin.token === '') admin.token = null;
  admin.allowed_hosts = admin.allowed_hosts.map((h) => h.toLowerCase().replace(/\.$/, ''));
  return admin;
}

export function resolvePool(name: string, input: PoolInput): PoolConfig {
  const base = merge(DEFAULT_POOL, input);
  const active = input.health?.active;
  const hashKey = input.balancer?.hash_key;
  return {
    name,
    hosts: input.hosts.map(resolveHost),
    ...base,
    balancer: { algorithm: base.balancer.algorithm, hash_key: hashKey ? resolveHashKey(hashKey) : null },
    health: { ...base.health, active: active ? merge(DEFAULT_ACTIVE_HEALTH, active) : null },
    tls: input.tls
      ? {
          ca: input.tls.ca ?? null,
          servername: input.tls.servername?.toLowerCase() ?? null,
          cert: input.tls.cert ?? null,
          key: input.tls.key ?? null,
        }
      : null,
  };
}

function resolveHashKey(k: HashKey): HashKey {
  const out: HashKey = {};
  if (k.header !== undefined) out.header = k.header.toLowerCase();
  if (k.cookie !== undefined) out.cookie = k.cookie;
  if (k.path !== undefined) out.path = k.path;
  return out;
}

function resolveHost(h: { url: string; weight?: number | undefined; name?: string | undefined }): HostConfig {
  const u = URL.canParse(h.url) ? new URL(h.url) : null;
  // Normalise a bare origin ("http://a:81/" → "http://a:81", "https://a:443" → "https://a");
  // anything else is left as written for semantic.ts to report with the value the user gave.
  const bare = u !== null && (u.protocol === 'http:' || u.protocol === 'https:') && isBareOrigin(u, h.url);
  const port = u === null ? '' : u.port || (u.protocol === 'https:' ? '443' : '80');
  return {
    url: bare ? u.origin : h.url,
    weight: h.weight ?? 1,
    name: h.name ?? (u === null ? h.url : `${u.hostname}:${port}`),
  };
}

/** Route defaults that come from top-level sections. */
export interface RouteDefaults {
  maxBodyBytes: number;
  maxObjectBytes: number;
}

export function resolveRoute(index: number, input: RouteInput, top: RouteDefaults): RouteConfig {
  const m = input.match;
  const hosts = [...(m?.host ?? []), ...(m?.hosts ?? [])].map((h) => h.toLowerCase());
  const retry = merge(DEFAULT_RETRY, input.retry);
  return {
    name: input.name ?? `route-${index}`,
    match: { hosts: [...new Set(hosts)], path_prefix: m?.path_prefix ?? '/', methods: m?.methods ?? [] },
    pool: input.pool,
    strip_prefix: input.strip_prefix ?? false,
    timeout: input.timeout ?? DEFAULT_ROUTE_TIMEOUT,
    retry,
    hedge: resolveHedge(input.hedge, retry.methods),
    breaker: input.breaker ? merge(DEFAULT_BREAKER, input.breaker) : null,
    endpoint_breaker: merge(DEFAULT_ENDPOINT_BREAKER, input.endpoint_breaker),
    max_body_bytes: input.max_body_bytes ?? top.maxBodyBytes,
    cache: input.cache ? resolveRouteCache(input.cache, top.maxObjectBytes) : null,
    browser_cache: input.browser_cache
      ? { cache_control: input.browser_cache.cache_control, override: input.browser_cache.override ?? false }
      : null,
    // Protocol names are case-insensitive (RFC 9110 §7.8).
    upgrades: [...new Set((input.upgrades ?? DEFAULT_UPGRADES).map((p) => p.toLowerCase()))],
    hsts: input.hsts ? merge(DEFAULT_HSTS, input.hsts) : null,
  };
}

/**
 * Hedging is on by default, except on a route that retries a non-idempotent method: hedges only
 * ever go to idempotent requests, but there the operator chose to replay what is unsafe to send
 * twice at once, and semantic.ts refuses hedging with it (RFC 9110 §9.2.2). Resolved here, so
 * the resolved config says what runs and validates again as written.
 */
function resolveHedge(input: RouteInput['hedge'], methods: readonly string[]): RouteConfig['hedge'] {
  const hedge = merge(DEFAULT_HEDGE, input);
  if (input?.enabled === undefined && methods.some((m) => !IDEMPOTENT_METHODS.includes(m)))
    hedge.enabled = false;
  return hedge;
}

function resolveRouteCache(
  input: NonNullable<RouteInput['cache']>,
  maxObjectBytes: number,
): RouteCacheConfig {
  const c = merge(DEFAULT_ROUTE_CACHE, input);
  // Header names are case-insensitive (RFC 9110 §5.1): keys compare them lower-cased.
  c.key.headers = [...new Set(c.key.headers.map((h) => h.toLowerCase()))];
  c.targeted_fields = [...new Set(c.targeted_fields.map((h) => h.toLowerCase()))];
  c.strip_targeted = [...new Set(c.strip_targeted.map((h) => h.toLowerCase()))];
  return { ...c, max_object_bytes: input.max_object_bytes ?? maxObjectBytes };
}

export function resolveCacheStores(input: ConfigInput['cache']): CacheStoresConfig {
  const memory = merge(DEFAULT_TOP.cache.memory, input?.memory);
  const r = input?.redis;
  return {
    memory,
    redis: r
      ? {
          url: r.url,
          key_prefix: r.key_prefix ?? DEFAULT_REDIS_KEY_PREFIX,
          timeout: r.timeout ?? DEFAULT_REDIS_TIMEOUT,
        }
      : null,
  };
}
