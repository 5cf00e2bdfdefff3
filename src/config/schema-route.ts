/** Input schema of one route (`routes[i]`). Routes are tried in file order. */
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { describeValue } from './path.js';
import {
  addIssue,
  bool,
  duration,
  int,
  type KeelIssueParams,
  methodList,
  nameString,
  num,
  statusList,
  TOKEN,
  TOKEN_RULE,
} from './schema-common.js';
import { breakerSchema } from './schema-pool.js';
import { hstsSchema } from './schema-tls.js';

/** "api.example.com", "*.example.com", "10.0.0.1:8080"; matched case-insensitively. */
const HOST_PATTERN =
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;
const HOST_RULE = 'a host name like "api.example.com", "*.example.com" or "10.0.0.1:8080"';
const hostName = z
  .string()
  .regex(HOST_PATTERN, HOST_RULE)
  .meta({ description: 'A host name, "*.example.com" allowed.' });
const hostList = z.array(hostName);

const match = z
  .strictObject({
    host: z
      .union([hostName.transform((h) => [h]), hostList])
      .meta({ description: 'Host(s) to match; omitted = any host.' })
      .optional(),
    hosts: hostList.meta({ description: 'Same as host, as a list.' }).optional(),
    path_prefix: z
      .string()
      .regex(/^\/[^\s?#]*$/, 'a path starting with "/", without spaces, "?" or "#"')
      .meta({ description: 'Path prefix, starting with "/". Default "/".' })
      .optional(),
    methods: methodList('Methods to match; omitted = any method.'),
  })
  .meta({ title: 'Route match' });

const retry = z
  .strictObject({
    enabled: bool('Default true.'),
    max_attempts: int('Total tries including the first. Default 3.', 1, 10),
    methods: methodList('Methods that may be retried. Default the idempotent ones (RFC 9110 §9.2.2).'),
    on: z
      .strictObject({
        connect_failure: bool('Retry when the connection fails. Default true.'),
        reset: bool('Retry when the connection resets before the response head. Default true.'),
        timeout: bool('Retry when no response head came in time. Default true.'),
        statuses: statusList('Retry these answers. Default [500, 502, 503, 504].'),
      })
      .optional(),
    backoff: z
      .strictObject({
        base: duration('Backoff base (full jitter, doubling).', 25),
        max: duration('Backoff cap.', 250),
      })
      .optional(),
    honor_retry_after: bool('Wait for Retry-After (seconds) if it fits the deadline. Default true.'),
  })
  .meta({ title: 'Retry' });

/** "auto", or a duration of at least 1 ms: one transform, so a wrong value gets one clear message. */
const hedgeDelay = z
  .unknown()
  .transform((v, ctx): number | 'auto' => {
    if (v === 'auto') return 'auto';
    const r = parseDuration(v);
    if (r.ok && r.ms >= 1) return r.ms;
    const hint = 'use "auto" (the route\'s p95, the default), or a duration like "150ms"';
    addIssue(ctx, v, 'invalid_duration', r.ok ? `${describeValue(v)} is too short` : r.message, hint);
    return z.NEVER;
  })
  .meta({
    type: ['number', 'string'],
    description:
      'Send a hedge after this long without a response head: "auto" (default), the route\'s recent p95 time to first byte, at least min_delay; or a fixed duration.',
  })
  .optional();

const hedge = z
  .strictObject({
    enabled: bool(
      'Default true, unless retry.methods has a non-idempotent method. Hedges go to idempotent requests without a body only.',
    ),
    delay: hedgeDelay,
    min_delay: duration('The floor of an "auto" delay.', 100, 1),
    max_hedges: int('Hedged copies per request. Default 1.', 1, 5),
  })
  .meta({ title: 'Hedging' });

/** The endpoint breaker (docs/health.md, "Endpoints"). */
const endpointBreaker = z
  .strictObject({
    enabled: bool('Default true.'),
    segments: int('Path segments below path_prefix that name an endpoint (ids collapsed). Default 2.', 0, 16),
    max_endpoints: int('Endpoints tracked per route; the rest share one. Default 32.', 1, 1024),
    window: duration('Rolling window of the failure share.', 10_000, 1000),
    failure_rate_threshold: num('Open at this failure share, in [0.5, 1]. Default 0.95.', 0.5, 1),
    minimum_requests: int('Tries in the window before judging. Default 20.', 1),
    min_hosts: int('Hosts the endpoint must fail on (or all hosts of a smaller pool). Default 2.', 1),
    open_timeout: duration('How long the first OPEN lasts.', 5000, 1),
    max_open_timeout: duration('OPEN doubles on each re-open, capped here.', 30_000, 1),
    half_open_max_probes: int('Probe requests let through while HALF-OPEN. Default 1.', 1),
  })
  .meta({ title: 'Endpoint breaker' });

/** Per-route edge cache (docs/caching.md): RFC 9111 shared-cache rules, opt-in per route. */
const cache = z
  .strictObject({
    enabled: bool('Default true once the cache object is given.'),
    key: z
      .strictObject({
        query: z
          .enum(['full', 'sorted', 'ignore'])
          .meta({
            description:
              'The query in the key: "full" as sent, "sorted" parameters ordered, "ignore" dropped. Default "full".',
          })
          .optional(),
        headers: z
          .array(z.string().regex(TOKEN, TOKEN_RULE))
          .meta({ description: 'Request headers added to the key (besides Vary). Default [].' })
          .optional(),
      })
      .optional(),
    max_object_bytes: int('Largest response body stored. Default cache.memory.max_object_bytes.', 1),
    lock_timeout: duration(
      'Concurrent misses for one key wait this long for the first one (request coalescing).',
      5000,
    ),
    stale_while_revalidate: duration(
      'Answer stale for this long while refreshing in the background, when the response sets no stale-while-revalidate (RFC 5861).',
      0,
    ),
    stale_if_error: duration(
      'Answer stale for this long when the upstream fails, when the response sets no stale-if-error (RFC 5861).',
      0,
    ),
    heuristic_fraction: num(
      'Heuristic freshness (RFC 9111 §4.2.2) as a fraction of the Last-Modified age; 0 = off. Default 0.',
      0,
      1,
    ),
    targeted_fields: z
      .array(z.string().regex(TOKEN, TOKEN_RULE))
      .meta({
        description:
          'Targeted cache-control fields (RFC 9213) that win over Cache-Control, first valid one first. Default ["Keel-Cache-Control", "CDN-Cache-Control"].',
      })
      .optional(),
    strip_targeted: z
      .array(z.string().regex(TOKEN, TOKEN_RULE))
      .meta({
        description: 'Targeted fields removed before a response goes downstream. Default [] (passed on).',
      })
      .optional(),
    set_cookie: z
      .enum(['refuse', 'strip', 'keep'])
      .meta({
        description:
          'A response with Set-Cookie: "refuse" is not stored, "strip" stores it without Set-Cookie, "keep" stores it as is. Default "refuse".',
      })
      .optional(),
  })
  .meta({ title: 'Route cache' });

/** Per-route browser policy: the Cache-Control clients receive (docs/caching.md, "Browser layer"). */
const browserCache = z
  .strictObject({
    cache_control: z
      .string()
      .regex(/^[\x20-\x7e]+$/, 'printable ASCII, e.g. "public, max-age=60"')
      .meta({ description: 'Cache-Control sent to clients, e.g. "public, max-age=60".' }),
    override: bool('Replace the upstream Cache-Control too, not only add a missing one. Default false.'),
  })
  .meta({ title: 'Browser cache policy' });

/**
 * An Upgrade protocol name (RFC 9110 §7.8). h2c is refused: once tunnelled, the upstream would
 * read HTTP/2 requests Keel never routed nor checked (docs/security.md, "The data plane").
 */
const upgradeProtocol = z
  .string()
  .regex(TOKEN, TOKEN_RULE)
  .superRefine((p, ctx) => {
    if (p.toLowerCase() !== 'h2c') return;
    const params: KeelIssueParams = {
      keelCode: 'unsafe_upgrade',
      hint: 'remove it: a tunnelled h2c connection carries requests Keel never routes or checks (h2c smuggling)',
    };
    ctx.addIssue({ code: 'custom', message: 'h2c is never tunnelled', input: p, params });
  })
  .meta({ description: 'An Upgrade protocol name, e.g. "websocket".' });

export const routeSchema = z
  .strictObject({
    name: nameString('Route name. Default route-<index>.').optional(),
    match: match.optional(),
    pool: z.string().meta({ description: 'Name of the pool serving this route.' }),
    strip_prefix: bool('Remove match.path_prefix before forwarding. Default false.'),
    timeout: duration('Deadline for the whole request, retries included.', 30_000, 1),
    retry: retry.optional(),
    hedge: hedge.optional(),
    breaker: breakerSchema.nullable().optional(),
    endpoint_breaker: endpointBreaker.optional(),
    max_body_bytes: int('Request body limit. Default limits.max_body_bytes.', 0),
    cache: cache.nullable().optional(),
    browser_cache: browserCache.nullable().optional(),
    upgrades: z
      .array(upgradeProtocol)
      .meta({
        description:
          'Upgrade protocols tunnelled to the upstream (e.g. websocket); [] = none. Any other Upgrade is answered as a plain request. h2c is refused. Default ["websocket"].',
      })
      .optional(),
    hsts: hstsSchema.nullable().optional(),
  })
  .meta({ title: 'Route' });
