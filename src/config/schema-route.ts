/** Input schema of one route (`routes[i]`). Routes are tried in file order. */
import { z } from 'zod';
import {
  bool,
  duration,
  int,
  methodList,
  nameString,
  num,
  statusList,
  TOKEN,
  TOKEN_RULE,
} from './schema-common.js';
import { breakerSchema } from './schema-pool.js';

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

const hedge = z
  .strictObject({
    enabled: bool('Default false. Only for routes whose retry methods are idempotent.'),
    delay: duration('Send a hedge after this long without a response head.', 100, 1),
    max_hedges: int('Hedged copies per request. Default 1.', 1, 5),
  })
  .meta({ title: 'Hedging' });

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
    max_body_bytes: int('Request body limit. Default limits.max_body_bytes.', 0),
    cache: cache.nullable().optional(),
    browser_cache: browserCache.nullable().optional(),
  })
  .meta({ title: 'Route' });
