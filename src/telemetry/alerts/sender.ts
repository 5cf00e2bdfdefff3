/**
 * The alert sender strategy (docs/architecture.md, "One strategy per file"): one implementation
 * per destination, each a pure function from an SLO alert to the HTTP request that destination
 * expects. Sending, retries, dedup and queueing live once in delivery.ts, so every sender gets the
 * same semantics and the contract suite (contract.test.ts) checks them all the same way.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';

export interface AlertRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface BuildContext {
  /** Epoch ms, from the notifier's clock (Alertmanager's endsAt for a firing alert). */
  now: number;
}

export interface AlertSender {
  readonly type: AlertReceiverConfig['type'];
  /**
   * Firing alerts must be re-sent this often or the destination forgets them (Alertmanager:
   * an alert not refreshed before its endsAt resolves itself); null = send once.
   */
  readonly resendMs: number | null;
  build(event: SloAlertEvent, ctx: BuildContext): AlertRequest;
}

/** Config headers first, so a sender's own (auth, content type) cannot be overridden by mistake. */
export function jsonHeaders(
  cfg: AlertReceiverConfig,
  own: Record<string, string> = {},
): Record<string, string> {
  return { ...cfg.headers, 'content-type': 'application/json', ...own };
}

/** The alert's fields every destination carries, in the config's snake_case. */
export function alertDetails(e: SloAlertEvent): Record<string, string | number> {
  return {
    slo: e.slo,
    tier: e.tier,
    burn_rate_long: e.burnRateLong,
    burn_rate_short: e.burnRateShort,
    threshold: e.threshold,
    budget_remaining: e.budgetRemaining,
    window: e.window,
    long_window: e.longWindow,
    short_window: e.shortWindow,
    objective: e.objective,
    runbook_url: e.runbookUrl,
  };
}

/** The same fields as strings, for destinations whose details are a string map. */
export function alertDetailStrings(e: SloAlertEvent): Record<string, string> {
  return Object.fromEntries(Object.entries(alertDetails(e)).map(([k, v]) => [k, String(v)]));
}

/** One readable paragraph for destinations with a free-text description. */
export function describeAlert(e: SloAlertEvent): string {
  const left = `${(e.budgetRemaining * 100).toFixed(1)}%`;
  return (
    `SLO ${e.slo} (${e.objective}% over ${e.window}) is burning its error budget: ` +
    `burn rate ${e.burnRateLong.toFixed(2)} over ${e.longWindow} and ${e.burnRateShort.toFixed(2)} ` +
    `over ${e.shortWindow} (tier ${e.tier} fires above ${e.threshold}); budget left ${left}. ` +
    `Runbook: ${e.runbookUrl}`
  );
}
