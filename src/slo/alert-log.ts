/**
 * One alert transition out of the engine: published on the bus as `slo.alert` (the senders,
 * logs and metrics subscribe) and logged — error for a firing page (critical) tier, warn for a
 * firing ticket (warning) tier, info when resolved — with the burn rates and the runbook.
 */
import type { EventBus, SloAlertEvent } from '../core/events.js';
import type { SloLog } from './contracts.js';

export function publishAlert(bus: EventBus, log: SloLog, e: SloAlertEvent): void {
  bus.channel('slo.alert').publish(e);
  const fields = {
    event: 'slo.alert',
    reason: e.state,
    slo: e.slo,
    tier: e.tier,
    severity: e.severity,
    burn_long: e.burnRateLong,
    burn_short: e.burnRateShort,
    threshold: e.threshold,
    budget_remaining: e.budgetRemaining,
    runbook: e.runbookUrl,
  };
  if (e.state === 'resolved') log.info(fields, `SLO alert resolved: ${e.summary}`);
  else if (e.severity === 'critical') log.error(fields, `SLO alert firing: ${e.summary}`);
  else log.warn(fields, `SLO alert firing: ${e.summary}`);
}
