/**
 * Multi-window, multi-burn-rate alerts (Google SRE Workbook, "Alerting on SLOs", §6): a tier fires
 * while both its long and its short window burn the budget faster than its rate — the long window
 * for significance, the short one so the alert resets soon after the burn stops, which is why no
 * `for:` is set (it would only delay detection). A minimum-traffic guard keeps a quiet route from
 * paging on one error: fewer than `min_events` answered requests in the long window never fire.
 */
import type { BurnRateTier, SloConfig } from '../../config/types.js';
import { round, shown } from '../budget-math.js';
import { formatSpan } from '../span.js';
import { ANSWERED, COUNT, promDuration, quote, routeMatcher, selector } from './promql.js';
import { errorRatioName, REQUESTS_RATE } from './recording.js';
import type { AlertingRule, RulesOptions } from './types.js';

export const BURN_ALERT = 'KeelSloErrorBudgetBurn';
export const THROUGHPUT_ALERT = 'KeelSloThroughputLow';

/** critical pages someone now; warning opens a ticket (Alertmanager routes on `severity`). */
export function severityLabel(s: BurnRateTier['severity']): 'page' | 'ticket' {
  return s === 'critical' ? 'page' : 'ticket';
}

function guard(slo: SloConfig, windowMs: number, opts: RulesOptions, matchers: string[]): string {
  const events = `sum(increase(${selector(COUNT, [opts.selector, routeMatcher(slo), ...matchers])}[${promDuration(windowMs)}]))`;
  // `on()`: the guard carries no labels; it gates the whole SLO.
  return `and on() (${events} >= ${slo.alerting.min_events})`;
}

function commonAnnotations(slo: SloConfig): Record<string, string> {
  return slo.alerting.runbook_url === null ? {} : { runbook_url: slo.alerting.runbook_url };
}

export function burnAlert(slo: SloConfig, tier: BurnRateTier, opts: RulesOptions): AlertingRule {
  const budget = round(1 - slo.objective / 100);
  const threshold = `(${tier.burn_rate} * ${budget})`;
  const sel = `{slo=${quote(slo.name)}}`;
  const long = promDuration(tier.long_window);
  const short = promDuration(tier.short_window);
  const expr = [
    '(',
    `  ${errorRatioName(tier.long_window)}${sel} > ${threshold}`,
    'and',
    `  ${errorRatioName(tier.short_window)}${sel} > ${threshold}`,
    ')',
    guard(slo, tier.long_window, opts, [ANSWERED]),
  ].join('\n');
  const window = formatSpan(slo.window);
  const burn = shown(tier.burn_rate);
  return {
    alert: BURN_ALERT,
    expr,
    labels: { severity: severityLabel(tier.severity), slo: slo.name, tier: tier.name },
    annotations: {
      summary: `SLO ${slo.name}: error budget burning at ${burn}× or faster (${tier.name})`,
      description:
        `{{ $value | humanizePercentage }} of ${slo.name}'s events were bad over the last ${long} ` +
        `(still above over ${short}); the ${slo.objective}% objective allows ${round(budget * 100)}%. ` +
        `At ${burn}× the ${window} budget is gone in ${formatSpan(slo.window / tier.burn_rate)}; ` +
        `${round(tier.budget_share * 100)}% of it was spent in ${long}.`,
      burn_rate: String(burn),
      ...commonAnnotations(slo),
    },
  };
}

/**
 * Throughput floor: fleet-wide requests per second over 5 minutes below `min_rps`. Guarded like
 * the burn alerts, over the longest tier window: a route that saw fewer than min_events requests
 * in it is quiet by nature, not down.
 */
export function throughputAlert(slo: SloConfig, opts: RulesOptions): AlertingRule {
  const longest = Math.max(86_400_000, ...slo.alerting.tiers.map((t) => t.long_window));
  const critical = slo.alerting.tiers.some((t) => t.severity === 'critical');
  const expr = [
    `${REQUESTS_RATE}{slo=${quote(slo.name)}} < ${slo.min_rps ?? 0}`,
    guard(slo, longest, opts, []),
  ].join('\n');
  return {
    alert: THROUGHPUT_ALERT,
    expr,
    labels: { severity: critical ? 'page' : 'ticket', slo: slo.name, tier: 'floor' },
    annotations: {
      summary: `SLO ${slo.name}: throughput below ${slo.min_rps} requests/s`,
      description: `The fleet served {{ $value | humanize }} requests/s on ${slo.name}'s routes over the last 5m; the floor is ${slo.min_rps}/s.`,
      ...commonAnnotations(slo),
    },
  };
}

export function alertingRules(slo: SloConfig, opts: RulesOptions): AlertingRule[] {
  if (!slo.alerting.enabled) return [];
  if (slo.kind === 'throughput') return [throughputAlert(slo, opts)];
  return slo.alerting.tiers.map((t) => burnAlert(slo, t, opts));
}
