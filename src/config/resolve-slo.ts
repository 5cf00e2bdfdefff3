/**
 * `slos:` and `alerts:` input → resolved config. Tiers default to the Google SRE Workbook's
 * (ch. 5 "Alerting on SLOs", table 5-8) scaled to the SLO window; a tier's burn rate is always
 * derived: burn_rate = budget_share × window / long_window (2% of 30d in 1h → 14.4).
 */
import { DEFAULT_ALERT_RECEIVER, DEFAULT_SLO, DEFAULT_TIER_SHAPES, RECEIVER_URLS } from './defaults.js';
import { issuesToProblems } from './problems.js';
import type { AlertsInput, SloInput } from './schema.js';
import { sloSchema, slosSchema } from './schema-slo.js';
import type { AlertReceiverConfig, BurnRateTier, Config, ConfigProblem, SloConfig } from './types.js';

/** `slos:` entry by entry; null where an entry has schema problems (pushed to `problems`). */
export interface ParsedSlos {
  inputs: Array<SloInput | null>;
  slos: Array<SloConfig | null>;
}

/**
 * Each SLO is validated on its own, as pools and routes are (parse-parts.ts): one broken entry
 * hides none of the other entries' problems, and the valid ones still take part in the
 * cross-field checks (semantic-slo.ts), so `keel validate` lists every SLO's problems at once.
 */
export function parseSlos(raw: unknown, problems: ConfigProblem[]): ParsedSlos {
  const out: ParsedSlos = { inputs: [], slos: [] };
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    const r = slosSchema.safeParse(raw, { reportInput: true });
    if (!r.success) problems.push(...issuesToProblems(r.error.issues, ['slos'], slosSchema));
    return out;
  }
  raw.forEach((value, i) => {
    const r = sloSchema.safeParse(value, { reportInput: true });
    if (!r.success) problems.push(...issuesToProblems(r.error.issues, ['slos', i], sloSchema));
    out.inputs.push(r.success ? r.data : null);
    out.slos.push(r.success ? resolveSlo(r.data) : null);
  });
  return out;
}

/** 12 significant digits: 0.02 × 720 gives 14.4, not 14.399999999999999. */
export function deriveBurnRate(budgetShare: number, windowMs: number, longWindowMs: number): number {
  return Number(((budgetShare * windowMs) / longWindowMs).toPrecision(12));
}

export function resolveSlo(input: SloInput): SloConfig {
  const window = input.window ?? DEFAULT_SLO.window;
  const a = input.alerting;
  const shapes = a?.tiers ?? DEFAULT_TIER_SHAPES;
  const tiers: BurnRateTier[] = shapes.map((t) => {
    const long = t.long_window ?? 3_600_000;
    const short = t.short_window ?? Math.max(60_000, Math.round(long / 12 / 60_000) * 60_000);
    return {
      name: t.name,
      severity: t.severity,
      budget_share: t.budget_share,
      long_window: long,
      short_window: short,
      burn_rate: deriveBurnRate(t.budget_share, window, long),
    };
  });
  return {
    name: input.name,
    routes: [...new Set(input.routes ?? [])],
    kind: input.kind,
    objective: input.objective,
    window,
    latency_threshold: input.latency?.threshold ?? input.latency_threshold ?? null,
    min_rps: input.throughput?.min_rps ?? input.min_rps ?? null,
    good: {
      client_errors_bad: input.good?.client_errors_bad ?? DEFAULT_SLO.good.client_errors_bad,
      bad_statuses: input.good?.bad_statuses ?? [],
    },
    alerting: {
      enabled: a?.enabled ?? DEFAULT_SLO.alerting.enabled,
      runbook_url: a?.runbook_url ?? null,
      min_events: a?.min_events ?? DEFAULT_SLO.alerting.min_events,
      tiers,
      receivers: [...new Set(a?.receivers ?? [])],
    },
    policy: {
      stop_retries: input.policy?.stop_retries ?? DEFAULT_SLO.policy.stop_retries,
      shed_share: input.policy?.shed_share ?? DEFAULT_SLO.policy.shed_share,
      freeze_reloads: input.policy?.freeze_reloads ?? DEFAULT_SLO.policy.freeze_reloads,
    },
  };
}

export function resolveAlerts(input: AlertsInput, template: Config['alerts']): Config['alerts'] {
  return {
    receivers: (input?.receivers ?? []).map(
      (r): AlertReceiverConfig => ({
        name: r.name,
        type: r.type,
        url: r.url ?? RECEIVER_URLS[r.type] ?? '',
        key: r.key ?? null,
        headers: { ...(r.headers ?? {}) },
        timeout: r.timeout ?? DEFAULT_ALERT_RECEIVER.timeout,
        max_retries: r.max_retries ?? DEFAULT_ALERT_RECEIVER.max_retries,
      }),
    ),
    evaluation_interval: input?.evaluation_interval ?? template.evaluation_interval,
    state_file: input?.state_file ?? template.state_file,
  };
}
