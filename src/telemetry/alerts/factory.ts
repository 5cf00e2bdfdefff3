/**
 * Building the notifier from config, for the SLO host (src/app/slo-host.ts), which owns it where
 * SLOs are evaluated: in one process, or on the cluster primary in supervisor mode.
 */
import type { Config } from '../../config/types.js';
import type { EventBus } from '../../core/events.js';
import type { AlertLogger } from './attempt.js';
import { AlertNotifier, type AlertNotifierOptions } from './notifier.js';

/** How long a notifier replaced by a reload may keep flushing in the background. */
const CLOSE_ON_RELOAD_MS = 10_000;

/** The notifier for a config, attached to `bus`; null when no receivers are configured. */
export function createAlertNotifier(
  bus: EventBus,
  config: Pick<Config, 'alerts'>,
  logger: AlertLogger,
  opts: Omit<AlertNotifierOptions, 'receivers' | 'logger'> = {},
): AlertNotifier | null {
  if (config.alerts.receivers.length === 0) return null;
  const n = new AlertNotifier({ ...opts, receivers: config.alerts.receivers, logger });
  n.attach(bus);
  return n;
}

/**
 * On reload: the same notifier when the receivers did not change; else a new one that takes over
 * the open alerts (so their resolves still go out) while the old one flushes in the background.
 */
export function reconfigureAlertNotifier(
  current: AlertNotifier | null,
  bus: EventBus,
  next: Pick<Config, 'alerts'>,
  logger: AlertLogger,
  opts: Omit<AlertNotifierOptions, 'receivers' | 'logger'> = {},
): AlertNotifier | null {
  const before = JSON.stringify(current?.receivers ?? []);
  if (before === JSON.stringify(next.alerts.receivers)) return current;
  const fresh = createAlertNotifier(bus, next, logger, opts);
  if (current) {
    if (fresh) fresh.adopt(current);
    void current.close(CLOSE_ON_RELOAD_MS);
  }
  return fresh;
}
