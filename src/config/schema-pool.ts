/** Input schema of one upstream pool (`pools.<name>`); the pool's name is its key. */
import { z } from 'zod';
import { bool, duration, int, type KeelIssueParams, nameString, num, statusList } from './schema-common.js';
import { poolTlsSchema } from './schema-tls.js';
import { URL_HINT, urlProblem } from './url.js';

const hostUrl = z
  .string()
  .superRefine((url, ctx) => {
    const problem = urlProblem(url);
    const params: KeelIssueParams = { keelCode: 'invalid_url', hint: URL_HINT };
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: url, params });
  })
  .meta({ description: 'Origin of the instance, e.g. "http://127.0.0.1:8081" or "https://api.internal".' });

const hostObject = z
  .strictObject({
    url: hostUrl,
    weight: int('Relative share of traffic for weighted balancers. Default 1.', 1, 1_000_000),
    name: z.string().min(1).meta({ description: 'Display name. Default host:port.' }).optional(),
  })
  .meta({ title: 'Host' });

export const hostSchema = z
  .union([hostUrl.transform((url) => ({ url })), hostObject])
  .meta({ description: 'An upstream instance: a URL string, or {url, weight, name}.' });

export const hashKeySchema = z
  .strictObject({
    header: z.string().min(1).meta({ description: 'Hash on this request header.' }).optional(),
    cookie: z.string().min(1).meta({ description: 'Hash on this cookie.' }).optional(),
    path: bool('Hash on the request path.'),
  })
  .meta({ title: 'Hash key', description: 'ring_hash only: exactly one of header, cookie, path.' });

export const breakerSchema = z
  .strictObject({
    enabled: bool('Default true.'),
    window: duration('Rolling window over which failures are counted.', 10_000, 1),
    buckets: int('Time buckets in the window. Default 10.', 1, 1000),
    failure_rate_threshold: z
      .number()
      .gt(0)
      .max(1)
      .meta({ description: 'Open when the failure share reaches this, in (0, 1]. Default 0.5.' })
      .optional(),
    minimum_requests: int('Requests in the window before the rate is judged. Default 20.', 1),
    consecutive_failures: int('Open after this many failures in a row; 0 = off. Default 5.', 0),
    open_timeout: duration('How long the first OPEN lasts.', 5000, 1),
    max_open_timeout: duration('OPEN doubles on each re-open, capped here.', 60_000, 1),
    half_open_max_probes: int('Probe requests let through while HALF-OPEN. Default 1.', 1),
    failure_on: z
      .strictObject({
        server_errors: bool('5xx answers count as failures. Default true.'),
        timeouts: bool('Timeouts count as failures. Default true.'),
        resets: bool('Connection failures and resets count. Default true.'),
        statuses: statusList('Further statuses that count as failures (e.g. 429). Default [].'),
      })
      .meta({ description: 'What counts as a failure.' })
      .optional(),
  })
  .meta({ title: 'Circuit breaker' });

const activeHealth = z
  .strictObject({
    path: z
      .string()
      .regex(/^\/\S*$/, 'a path starting with "/"')
      .meta({ description: 'Path to probe. Default "/healthz".' })
      .optional(),
    interval: duration('Time between probes.', 5000, 1),
    timeout: duration('Probe timeout.', 1000, 1),
    expected_statuses: statusList('Healthy answers. Default "200-399".'),
    healthy_threshold: int('Successes in a row to mark healthy. Default 2.', 1, 1000),
    unhealthy_threshold: int('Failures in a row to mark unhealthy. Default 3.', 1, 1000),
  })
  .meta({ title: 'Active health checks', description: '{} enables probes with all defaults.' });

const outlier = z
  .strictObject({
    enabled: bool('Default true.'),
    consecutive_5xx: int(
      'Eject after this many 5xx in a row that its peers did not share; 0 = off. Default 0 (failure_rate judges 5xx).',
      0,
    ),
    consecutive_gateway_failures: int(
      'Eject after this many connect failures/resets (and timeouts its peers did not share) in a row. Default 3.',
      1,
    ),
    base_ejection: duration('First ejection length; doubles with each repeat.', 10_000, 1),
    max_ejection: duration('Cap on an ejection length.', 300_000, 1),
    max_ejection_percent: num(
      'Cap on the share of hosts ejected at once (one may always be). Default 50.',
      0,
      100,
    ),
    latency: z
      .strictObject({
        enabled: bool('Default true.'),
        factor: num('Eject when the EWMA exceeds factor x the pool median. Default 5.', 1, 1000),
        min_latency: duration('…and exceeds this.', 250),
        min_requests: int('Samples needed before judging a host. Default 20.', 1),
      })
      .optional(),
    failure_rate: z
      .strictObject({
        enabled: bool('Default true.'),
        excess: num(
          "Eject when the host's failed share of tries exceeds its peers' by this much, in (0, 1]. Default 0.5.",
          0.01,
          1,
        ),
        min_requests: int('Tries needed on the host, and on its peers, before judging. Default 20.', 1),
        window: duration('The window the shares are counted over.', 10_000, 1000),
      })
      .meta({ description: 'Relative failure ejection: a host judged against its peers.' })
      .optional(),
  })
  .meta({ title: 'Outlier ejection (passive health)' });

export const poolSchema = z
  .strictObject({
    name: nameString('The pool name; must equal its key (it may be omitted).').optional(),
    hosts: z.array(hostSchema).meta({ description: 'The upstream instances.' }),
    balancer: z
      .strictObject({
        algorithm: z
          .enum(['p2c_ewma', 'round_robin', 'least_conn', 'weighted_round_robin', 'ring_hash'])
          .meta({ description: 'Default p2c_ewma.' })
          .optional(),
        hash_key: hashKeySchema.nullable().optional(),
      })
      .optional(),
    timeouts: z
      .strictObject({
        connect: duration('TCP connect timeout.', 2000, 1),
        first_byte: duration('Time to the response head.', 15_000, 1),
        idle: duration('Max silence while the body streams.', 60_000, 1),
      })
      .optional(),
    connections: z
      .strictObject({
        max_per_host: int('Keep-alive connections per host. Default 128.', 1),
        keep_alive_timeout: duration('Idle keep-alive socket lifetime.', 4000, 1),
      })
      .optional(),
    health: z
      .strictObject({
        active: activeHealth.nullable().optional(),
        outlier: outlier.optional(),
        panic_threshold_percent: num('Below this share of available hosts, use all. Default 50.', 0, 100),
        slow_start: duration('Traffic ramp for a host that comes back; 0 = off.', 10_000),
      })
      .optional(),
    breaker: breakerSchema.optional(),
    concurrency: z
      .strictObject({
        max_in_flight: int('Requests in flight to the pool; 0 = unlimited. Default 1000.', 0),
        max_queue: int('Requests waiting for a slot. Default 500.', 0),
        queue_timeout: duration('Longest wait in the queue before a 503.', 2000),
      })
      .optional(),
    tls: poolTlsSchema.nullable().optional(),
    optional: bool(
      'A nice-to-have dependency: with no available host, readiness says warn (not fail). Default false.',
    ),
    retry_budget: z
      .strictObject({
        ratio: num('Retries in flight at most this share of active requests. Default 0.2.', 0, 1),
        min_concurrent: int('…but at least this many. Default 3.', 0),
      })
      .optional(),
  })
  .meta({ title: 'Pool' });
