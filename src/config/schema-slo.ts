// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
/**
 * The input schema of `slos:` and `alerts:` (docs/slo.md, docs/alerts.md). SLO windows and alert
 * windows are long (days), so they take their own duration grammar with a "d" unit; they are
 * never timers, so Node's 24.8-day timer limit does not apply to them.
 */
import { z } from 'zod';
import { describeValue } from './path.js';
import {
  addIssue,
  bool,
  duration,
  int,
  type KeelIssueParams,
  NAME,
  NAME_RULE,
  nameString,
  num,
  statusList,
  TOKEN,
  TOKEN_RULE,
} from './schema-common.js';

/**
 * Decimal places an objective may have: 99.9999 is 4, so 6 leaves room, and the budget stays an
 * exact fraction of integers (src/slo/math.ts), as the CLI's `keel budget` allows the same.
 */
export const OBJECTIVE_PLACES = 6;

/** Decimal places of a number as JavaScript prints it: 99.95 → 2, 1e-7 → 7, 16 → 0. */
export function decimalPlaces(n: number): number {
  const [mantissa = '', exp = '0'] = String(n).split('e');
  const dot = mantissa.indexOf('.');
  return Math.max(0, (dot < 0 ? 0 : mantissa.length - dot - 1) - Number(exp));
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SPAN = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
export const SPAN_PATTERN = '^\\s*\\d+(\\.\\d+)?(s|m|h|d)\\s*$';
const SPAN_HINT = 'use a string like "5m", "1h", "6h", "3d", "30d" (or a number of milliseconds)';

/** A whole-minute span (1-minute buckets), e.g. "30d" or "5m"; `min` in ms. */
function span(description: string, min: number) {
  return z
    .unknown()
    .transform((v, ctx) => {
      const m = typeof v === 'string' ? SPAN.exec(v.trim()) : null;
      const ms = typeof v === 'number' ? v : m === null ? Number.NaN : Number(m[1]) * UNIT_MS[m[2]!]!;
      if (!Number.isFinite(ms) || ms < 0) {
        addIssue(ctx, v, 'invalid_duration', `${describeValue(v)} is not a duration`, SPAN_HINT);
        return z.NEVER;
      }
      if (ms < min || ms % 60_000 !== 0) {
        const why = ms < min ? 'is too short' : 'is not a whole number of minutes';
        addIssue(
          ctx,
          v,
          'invalid_duration',
          `${describeValue(v)} ${why}`,
          `${SPAN_HINT}; at least ${min / 60_000}m`,
        );
        return z.NEVER;
      }
      return ms;
    })
    .meta({ type: ['number', 'string'], pattern: SPAN_PATTERN, description })
    .optional();
}

const tier = z
  .strictObject({
    name: nameString('Tier name, e.g. "page-fast"; the alert key is "<slo>:<tier>".'),
    severity: z
      .enum(['critical', 'warning'])
      .meta({ description: 'critical pages; warning opens a ticket.' }),
    budget_share: z.number().gt(0).max(1).meta({
      description:
        'Share of the window budget this tier guards, e.g. 0.02. burn_rate = budget_share × window / long_window.',
    }),
    long_window: span('Long window, e.g. "1h".', 60_000),
    burn_rate: z
      .number()
      .positive()
      .meta({
        description: 'Derived (budget_share × window / long_window); accepted only when it equals that.',
      })
      .optional(),
    short_window: span('Short window, e.g. "5m" (about 1/12 of the long one).', 60_000),
  })
  .meta({ title: 'Burn-rate tier' });

export const sloSchema = z
  .strictObject({
    name: nameString('SLO name: unique; shown in alerts, metrics and `keel slo status`.'),
    routes: z
      .array(z.string().regex(NAME, NAME_RULE))
      .meta({ description: 'Route names this SLO covers. Default [] = every route.' })
      .optional(),
    kind: z
      .enum(['availability', 'latency', 'error_rate', 'throughput'])
      .meta({ description: 'What is measured (docs/slo.md "The model").' }),
    objective: z
      .number()
      .gt(0)
      .lt(100)
      .superRefine((n, ctx) => {
        const params: KeelIssueParams = {
          keelCode: 'invalid_precision',
          hint: `write the objective with at most ${OBJECTIVE_PLACES} decimal places, e.g. 99.95`,
        };
        if (decimalPlaces(n) > OBJECTIVE_PLACES)
          ctx.addIssue({
            code: 'custom',
            message: `${n} has more than ${OBJECTIVE_PLACES} decimal places`,
            input: n,
            params,
          });
      })
      .meta({
        description: `Target in percent good, e.g. 99.9 (an error-rate ceiling of 0.1% is 99.9); at most ${OBJECTIVE_PLACES} decimal places.`,
      }),
    window: span('Rolling window, whole days from 7d to 90d: 7d, 28d or 30d. Default 30d.', 86_400_000),
    // The resolved forms of latency.threshold and throughput.min_rps, accepted so that a resolved
    // config (admin "get config") validates again.
    latency_threshold: z
      .number()
      .positive()
      .nullable()
      .meta({ description: 'Resolved form of latency.threshold, in ms.' })
      .optional(),
    min_rps: z
      .number()
      .gt(0)
      .nullable()
      .meta({ description: 'Resolved form of throughput.min_rps.' })
      .optional(),
    latency: z
      .strictObject({
        threshold: duration('latency: a request is good when faster than this.', undefined, 1),
      })
      .optional(),
    throughput: z
      .strictObject({
        min_rps: z
          .number()
          .gt(0)
          .meta({ description: 'throughput: requests per second each minute must reach.' }),
      })
      .optional(),
    good: z
      .strictObject({
        client_errors_bad: bool('Count 4xx answers as bad. Default false.'),
        bad_statuses: statusList('More statuses that count as bad, e.g. [429]. Default [].'),
      })
      .optional(),
    alerting: z
      .strictObject({
        enabled: bool('Send burn-rate alerts for this SLO. Default true (then runbook_url is required).'),
        runbook_url: z
          .url({
            protocol: /^https?$/,
            error: 'an http:// or https:// URL, e.g. "https://wiki.example/runbooks/api"',
          })
          .nullable()
          .meta({ description: 'Runbook linked from every alert.' })
          .optional(),
        min_events: int('No alert with fewer events in the long window. Default 100.', 1),
        tiers: z
          .array(tier)
          .min(1)
          .meta({
            description: 'Burn-rate tiers. Default page-fast, page-slow, ticket scaled to the window.',
          })
          .optional(),
        receivers: z
          .array(z.string().regex(NAME, NAME_RULE))
          .meta({ description: 'Names in alerts.receivers. Default [] = all.' })
          .optional(),
      })
      .optional(),
    policy: z
      .strictObject({
        stop_retries: bool(
          'Stop retrying these routes while a page fires or the budget is spent. Default false.',
        ),
        shed_share: num(
          'Share of these routes’ requests to shed while the budget is spent. Default 0.',
          0,
          1,
        ),
        freeze_reloads: bool('Refuse reloads not marked as fixes while the budget is spent. Default false.'),
      })
      .optional(),
  })
  .meta({ title: 'SLO' });

const receiver = z
  .strictObject({
    name: nameString('Receiver name, used by slos[].alerting.receivers.'),
    type: z.enum(['pagerduty', 'opsgenie', 'alertmanager', 'webhook']).meta({ description: 'Which API.' }),
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. "http://127.0.0.1:9093"' })
      .meta({
        description:
          'Endpoint. Required for alertmanager (its base URL, e.g. http://127.0.0.1:9093) and webhook; defaults for pagerduty and opsgenie.',
      })
      .optional(),
    key: z
      .string()
      .min(1)
      .nullable()
      .meta({ description: 'PagerDuty routing key or Opsgenie API key; use ${VAR}.' })
      .optional(),
    headers: z
      .record(z.string().regex(TOKEN, TOKEN_RULE), z.string())
      .meta({ description: 'Extra request headers. Default {}.' })
      .optional(),
    timeout: duration('Delivery request timeout.', 5000, 1),
    max_retries: int('Retries on 429/5xx/network errors, with backoff. Default 5.', 0, 20),
  })
  .meta({ title: 'Alert receiver' });

export const slosSchema = z
  .array(sloSchema)
  .meta({ description: 'Service level objectives (docs/slo.md).' })
  .optional();

export const alertsSchema = z
  .strictObject({
    receivers: z
      .array(receiver)
      .meta({ description: 'Where SLO alerts go (docs/alerts.md). Default [].' })
      .optional(),
    evaluation_interval: duration('How often burn rates are evaluated.', 10_000, 1000),
    state_file: z
      .string()
      .min(1)
      .nullable()
      .meta({
        description:
          'SQLite file keeping SLO history, alert state and what each receiver holds open across restarts (docs/alerts.md "Restarts"). Default null = in memory.',
      })
      .optional(),
  })
  .meta({ title: 'Alerts' })
  .optional();
