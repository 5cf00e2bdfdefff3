/** `keel budget`'s output: a text report for people, JSON (durations in ms) for scripts. */
import type { Budget, TierRow } from '../../slo/budget-math.js';
import { shown } from '../../slo/budget-math.js';
import { formatSpan } from '../../slo/span.js';

function pct(share: number): string {
  return `${shown(share * 100)}%`;
}

export function budgetText(b: Budget, rows: TierRow[], requests: number | undefined): string {
  const w = formatSpan(b.windowMs);
  const lines = [
    `Error budget of a ${b.objective}% objective over ${w}`,
    `  share:     ${pct(b.share)} of requests may fail`,
    `  time:      ${formatSpan(b.timeMs)} of full outage in ${w}`,
    `  per day:   ${formatSpan(b.perDayMs)}`,
    `  per week:  ${formatSpan(b.perWeekMs)}`,
  ];
  if (b.badRequests !== null) lines.push(`  requests:  ${b.badRequests} of ${requests} may fail`);
  lines.push('', 'Burn-rate alert tiers (multi-window, multi-burn-rate; Google SRE Workbook):');
  const table = [
    ['tier', 'severity', 'budget', 'long', 'short', 'burn', 'error rate', 'budget gone in'],
    ...rows.map((r) => [
      r.name,
      r.severity,
      pct(r.budget_share),
      formatSpan(r.long_window),
      formatSpan(r.short_window),
      `${shown(r.burn_rate)}×`,
      pct(r.errorRate),
      formatSpan(r.exhaustMs),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    lines.push(
      `  ${row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
    );
  lines.push('', 'A tier fires when both its long and short windows burn faster than its burn rate.');
  return `${lines.join('\n')}\n`;
}

export function budgetJson(b: Budget, rows: TierRow[], requests: number | undefined) {
  return {
    objective: b.objective,
    window: formatSpan(b.windowMs),
    window_ms: b.windowMs,
    budget: {
      share: b.share,
      time_ms: b.timeMs,
      time: formatSpan(b.timeMs),
      per_day_ms: b.perDayMs,
      per_week_ms: b.perWeekMs,
      requests: requests ?? null,
      bad_requests: b.badRequests,
    },
    tiers: rows.map((r) => ({
      name: r.name,
      severity: r.severity,
      budget_share: r.budget_share,
      long_window_ms: r.long_window,
      short_window_ms: r.short_window,
      burn_rate: r.burn_rate,
      error_rate: r.errorRate,
      budget_gone_in_ms: r.exhaustMs,
    })),
  };
}
