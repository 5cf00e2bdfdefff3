/** Cross-field checks of `slos:` and `alerts:` (docs/slo.md, docs/alerts.md). */
import { formatDuration } from './duration.js';
import type { PathSegment } from './path.js';
import type { SloInput } from './schema.js';
import { pusher } from './semantic-pool.js';
import { didYouMean, listOf } from './suggest.js';
import type { Config, ConfigProblem, SloConfig } from './types.js';

const DAY = 86_400_000;
type Push = ReturnType<typeof pusher>;

/** `slos` holds null where an entry had schema problems: it is skipped, its index kept. */
export function checkSlos(
  slos: ReadonlyArray<SloConfig | null>,
  alerts: Config['alerts'] | null,
  routeNames: readonly string[],
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const push = pusher(out);
  if (alerts !== null) checkReceivers(alerts, push);
  const receivers = [...new Set(alerts?.receivers.map((r) => r.name) ?? [])];
  const names = new Map<string, number>();
  slos.forEach((slo, i) => {
    if (slo === null) return;
    const at: PathSegment[] = ['slos', i];
    const dup = names.get(slo.name);
    if (dup !== undefined)
      push(
        [...at, 'name'],
        'duplicate',
        `duplicate SLO name "${slo.name}" (also slos[${dup}])`,
        'give each SLO a distinct name',
      );
    else names.set(slo.name, i);
    slo.routes.forEach((r, j) => {
      if (routeNames.includes(r)) return;
      const list = routeNames.length === 0 ? 'none' : listOf(routeNames);
      push(
        [...at, 'routes', j],
        'unknown_reference',
        `unknown route "${r}" (known: ${list})`,
        `${didYouMean(r, routeNames)}use the name of a route`,
      );
    });
    const windowOk = slo.window % DAY === 0 && slo.window >= 7 * DAY && slo.window <= 90 * DAY;
    if (!windowOk)
      push(
        [...at, 'window'],
        'invalid_window',
        `${formatDays(slo.window)} is not a whole number of days from 7d to 90d`,
        'use 7d, 28d or 30d (the default)',
      );
    if (slo.kind === 'latency' && slo.latency_threshold === null)
      push(
        [...at, 'latency'],
        'missing_threshold',
        'a latency SLO needs latency.threshold',
        'add latency: { threshold: 200ms }',
      );
    if (slo.kind === 'throughput' && slo.min_rps === null)
      push(
        [...at, 'throughput'],
        'missing_min_rps',
        'a throughput SLO needs throughput.min_rps',
        'add throughput: { min_rps: 10 }',
      );
    checkAlerting(slo, at, receivers, windowOk, push);
  });
  return out;
}

function checkAlerting(
  slo: SloConfig,
  at: PathSegment[],
  receivers: readonly string[],
  windowOk: boolean,
  push: Push,
): void {
  const a = slo.alerting;
  const here = [...at, 'alerting'];
  if (a.enabled && a.runbook_url === null)
    push(
      [...here, 'runbook_url'],
      'missing_runbook',
      `SLO "${slo.name}" alerts but has no runbook_url`,
      'add alerting.runbook_url (every alert links a runbook), or set alerting.enabled: false',
    );
  a.receivers.forEach((r, j) => {
    if (receivers.includes(r)) return;
    const list = receivers.length === 0 ? 'none' : listOf(receivers);
    push(
      [...here, 'receivers', j],
      'unknown_reference',
      `unknown receiver "${r}" (known: ${list})`,
      `${didYouMean(r, receivers)}define it in alerts.receivers`,
    );
  });
  const seen = new Set<string>();
  a.tiers.forEach((t, j) => {
    const p = [...here, 'tiers', j];
    if (seen.has(t.name))
      push([...p, 'name'], 'duplicate', `duplicate tier name "${t.name}"`, 'give each tier a distinct name');
    seen.add(t.name);
    if (t.short_window >= t.long_window)
      push(
        [...p, 'short_window'],
        'invalid_range',
        `${formatDays(t.short_window)} is not shorter than long_window ${formatDays(t.long_window)}`,
        'use a short window of about 1/12 of the long one',
      );
    if (windowOk && t.long_window > slo.window)
      push(
        [...p, 'long_window'],
        'invalid_range',
        `${formatDays(t.long_window)} is longer than the SLO window ${formatDays(slo.window)}`,
        'use a long window within the SLO window',
      );
  });
}

/** A tier's burn_rate is derived; one given (a resolved config read back) must agree with it. */
export function checkGivenBurnRates(
  inputs: ReadonlyArray<SloInput | null>,
  slos: ReadonlyArray<SloConfig | null>,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const push = pusher(out);
  inputs.forEach((input, i) => {
    input?.alerting?.tiers?.forEach((t, j) => {
      const derived = slos[i]?.alerting.tiers[j]?.burn_rate;
      if (t.burn_rate === undefined || derived === undefined) return;
      if (Math.abs(t.burn_rate - derived) > 1e-9 * derived)
        push(
          ['slos', i, 'alerting', 'tiers', j, 'burn_rate'],
          'derived_value',
          `${t.burn_rate} differs from the derived burn rate ${derived} (budget_share × window / long_window)`,
          'remove burn_rate and set budget_share (the burn rate follows from it)',
        );
    });
  });
  return out;
}

function checkReceivers(alerts: Config['alerts'], push: Push): void {
  const names = new Map<string, number>();
  alerts.receivers.forEach((r, i) => {
    const at: PathSegment[] = ['alerts', 'receivers', i];
    const dup = names.get(r.name);
    if (dup !== undefined)
      push(
        [...at, 'name'],
        'duplicate',
        `duplicate receiver name "${r.name}" (also alerts.receivers[${dup}])`,
        'give each receiver a distinct name',
      );
    else names.set(r.name, i);
    if (r.url === '')
      push(
        [...at, 'url'],
        'missing_url',
        `${r.type === 'alertmanager' ? 'an' : 'a'} ${r.type} receiver needs a url`,
        r.type === 'alertmanager'
          ? "add url: http://127.0.0.1:9093 (Alertmanager's base URL)"
          : 'add the URL the JSON alerts are POSTed to',
      );
    if ((r.type === 'pagerduty' || r.type === 'opsgenie') && r.key === null)
      push(
        [...at, 'key'],
        'missing_key',
        `a ${r.type} receiver needs a key`,
        `add key: \${${r.type.toUpperCase()}_KEY} (${r.type === 'pagerduty' ? 'the integration routing key' : 'an API key'})`,
      );
  });
}

function formatDays(ms: number): string {
  return ms % DAY === 0 ? `${ms / DAY}d` : formatDuration(ms);
}
