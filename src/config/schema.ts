// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
/**
 * The input schema: what a config file may say. Strict objects everywhere, so that a typo is a
 * problem, not a silently ignored key. Validation runs per section (and per pool and per route)
 * so that one broken route does not hide the problems of the others — see validate.ts.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  bool,
  duration,
  int,
  NAME,
  NAME_RULE,
  nameString,
  num,
  port,
  TOKEN,
  TOKEN_RULE,
} from './schema-common.js';
import { poolSchema } from './schema-pool.js';
import { routeSchema } from './schema-route.js';
import { alertsSchema, type sloSchema, slosSchema } from './schema-slo.js';
import { listenerHttp2Schema, listenerTlsSchema, redirectHttpsSchema } from './schema-tls.js';

const listener = z
  .strictObject({
    name: nameString('Listener name. Default "main" for the first, listener-<index> after.').optional(),
    host: z.string().min(1).meta({ description: 'Address to bind. Default "127.0.0.1".' }).optional(),
    port: port('TCP port; 0 = any free port. Default 8080.'),
    tls: listenerTlsSchema.nullable().optional(),
    http2: listenerHttp2Schema.optional(),
    redirect_https: redirectHttpsSchema.optional(),
  })
  .meta({ title: 'Listener' });

/** An RFC 3986 reg-name of DNS shape: letters, digits, '-' and '.', no port or scheme. */
function isHostName(s: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
    s,
  );
}

function isAddressOrCidr(s: string): boolean {
  const [addr = '', bits, ...rest] = s.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export const sections = {
  listeners: z.array(listener).min(1).meta({ description: 'Where Keel accepts traffic.' }).optional(),
  admin: z
    .strictObject({
      host: z.string().min(1).meta({ description: 'Default "127.0.0.1".' }).optional(),
      port: port('Admin API port; 0 = any free port. Default 9901.'),
      token: z
        .string()
        .nullable()
        .meta({
          description:
            'Bearer token for the admin API. Use ${VAR}. null or "" = Keel generates one at start and writes it to token_file.',
        })
        .optional(),
      token_file: z
        .string()
        .min(1)
        .nullable()
        .meta({
          description:
            'Where a generated token is written (mode 0600). Default null = <runtime dir>/admin-<port>.token (docs/security.md).',
        })
        .optional(),
      allowed_hosts: z
        .array(
          z.string().refine(isHostName, 'a host name without scheme or port, e.g. "keel-admin.internal"'),
        )
        .meta({
          description:
            'Host names the admin API answers to besides IP addresses and localhost (DNS-rebinding defence). Default [].',
        })
        .optional(),
    })
    .meta({ title: 'Admin server' })
    .optional(),
  proxy: z
    .strictObject({
      trusted_proxies: z
        .array(z.string().refine(isAddressOrCidr, 'an IP address or CIDR, e.g. "10.0.0.0/8" or "::1"'))
        .meta({ description: 'Addresses or CIDRs whose X-Forwarded-* headers are believed. Default [].' })
        .optional(),
      via: z
        .string()
        .regex(TOKEN, TOKEN_RULE)
        .meta({ description: 'Pseudonym in the Via header. Default "keel".' })
        .optional(),
      request_id_header: z
        .string()
        .regex(TOKEN, TOKEN_RULE)
        .meta({ description: 'Request id header. Default "x-request-id".' })
        .optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      max_header_bytes: int('Request header size limit (431 beyond). Default 16384.', 1024, 1_048_576),
      max_body_bytes: int('Request body limit (413 beyond). Default 10485760.', 0),
      max_url_length: int('Request target length limit (414 beyond). Default 8192.', 16, 1_048_576),
    })
    .optional(),
  client: z
    .strictObject({
      headers_timeout: duration('The request head must arrive within this.', 10_000, 1),
      idle_timeout: duration('A client keep-alive connection closes after this idle time.', 60_000, 1),
    })
    .optional(),
  shutdown: z
    .strictObject({ drain_timeout: duration('Longest wait for in-flight requests on shutdown.', 15_000) })
    .optional(),
  telemetry: z
    .strictObject({
      access_log: z
        .strictObject({ enabled: bool('One JSON line per request on stdout. Default true.') })
        .optional(),
      metrics: z
        .strictObject({ enabled: bool('Prometheus metrics on the admin server at /metrics. Default true.') })
        .optional(),
      tracing: z
        .strictObject({
          enabled: bool('Export OpenTelemetry traces over OTLP/HTTP. Default false.'),
          endpoint: z
            .url({ protocol: /^https?$/ })
            .meta({ description: 'OTLP/HTTP traces URL. Default "http://127.0.0.1:4318/v1/traces".' })
            .optional(),
          sample_ratio: num('Share of new traces sampled, 0..1. Default 1.', 0, 1),
          service_name: z
            .string()
            .min(1)
            .meta({ description: 'service.name resource attribute. Default "keel".' })
            .optional(),
          headers: z
            .record(z.string().regex(TOKEN, TOKEN_RULE), z.string())
            .meta({ description: 'Headers sent with every export, e.g. an API key via ${VAR}.' })
            .optional(),
          timeout: duration('Export request timeout.', 10_000, 1),
        })
        .optional(),
      scaling: z
        .strictObject({
          threshold_percent: num(
            'Load at which to scale out; the handoff headroom is measured to it. Default 80.',
            1,
            100,
          ),
        })
        .optional(),
    })
    .meta({
      title: 'Telemetry',
      description: 'Access logs, metrics, tracing and the handoff scaling threshold.',
    })
    .optional(),
  cache: z
    .strictObject({
      memory: z
        .strictObject({
          max_bytes: int(
            'Memory tier budget: bodies, headers and keys, LRU by bytes. Default 67108864 (64 MiB).',
            1024,
          ),
          max_object_bytes: int(
            'Largest response body a route stores (routes may lower it). Default 1048576.',
            1,
          ),
        })
        .optional(),
      redis: z
        .strictObject({
          url: z
            .string()
            .regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379/0"')
            .meta({ description: 'Shared tier URL, e.g. "redis://127.0.0.1:6379/0". Use ${VAR}.' }),
          key_prefix: z
            .string()
            .min(1)
            .meta({ description: 'Prefix of every key Keel writes. Default "keel:cache:".' })
            .optional(),
          timeout: duration(
            'Budget of one Redis call; past it the cache carries on with memory alone.',
            50,
            1,
          ),
        })
        .nullable()
        .meta({
          description: 'Redis as a shared tier (memory first, then Redis, then the upstream). Default null.',
        })
        .optional(),
    })
    .meta({
      title: 'Cache stores',
      description: 'Stores of the edge cache that routes opt into (docs/caching.md).',
    })
    .optional(),
  pools: z
    .record(z.string().regex(NAME, NAME_RULE), poolSchema)
    .meta({ description: 'Upstream pools by name.' })
    .optional(),
  routes: z
    .array(routeSchema)
    .meta({
      description:
        'Routes. The most specific match wins: a route naming the request host before a host-less one, then the longest path_prefix (at a segment boundary), then file order (docs/proxying.md).',
    })
    .optional(),
  slos: slosSchema,
  alerts: alertsSchema,
};

/** The whole file, for JSON Schema output (validation itself goes section by section). */
export const configSchema = z.strictObject(sections).meta({
  title: 'Keel configuration',
  description:
    'Keel gateway configuration (YAML or JSON). ${VAR} and ${VAR:-default} expand from the environment.',
});

export type SectionName = keyof typeof sections;
export const SECTION_NAMES = Object.keys(sections) as SectionName[];
export type PoolInput = z.output<typeof poolSchema>;
export type RouteInput = z.output<typeof routeSchema>;
export type ConfigInput = z.output<typeof configSchema>;
export type SloInput = z.output<typeof sloSchema>;
export type AlertsInput = z.output<typeof alertsSchema>;
export { poolSchema, routeSchema };
