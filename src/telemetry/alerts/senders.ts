/**
 * Picks the sender for a receiver's type, once, when the notifier is built (docs/architecture.md,
 * "Decide at setup").
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import { alertmanagerSender } from './alertmanager.js';
import { opsgenieSender } from './opsgenie.js';
import { pagerDutySender } from './pagerduty.js';
import type { AlertSender } from './sender.js';
import { webhookSender } from './webhook.js';

export function createSender(cfg: AlertReceiverConfig): AlertSender {
  switch (cfg.type) {
    case 'pagerduty':
      return pagerDutySender(cfg);
    case 'opsgenie':
      return opsgenieSender(cfg);
    case 'alertmanager':
      return alertmanagerSender(cfg);
    case 'webhook':
      return webhookSender(cfg);
    default: {
      const never: never = cfg.type;
      throw new Error(`unknown alert receiver type: ${String(never)}`);
    }
  }
}
