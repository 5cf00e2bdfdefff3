/** SLO alert delivery (docs/alerts.md). */
export type { AlertLogger, Sleep } from './attempt.js';
export type { ReceiverStats } from './delivery.js';
export { createAlertNotifier, reconfigureAlertNotifier } from './factory.js';
export type { DeliveredAlert, DeliveryLedger } from './ledger.js';
export { AlertNotifier, type AlertNotifierOptions } from './notifier.js';
export type { AlertRequest, AlertSender } from './sender.js';
export { createSender } from './senders.js';
