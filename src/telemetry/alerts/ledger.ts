/**
 * What each receiver holds open, kept outside the process so a restart neither pages twice nor
 * leaves an incident open for good (docs/alerts.md "Restarts"). The notifier records every
 * successful delivery here; the app backs it with the SLO state file (src/slo/store.ts), so
 * receivers' state and the alerts' state are saved side by side.
 */
import type { SloAlertEvent } from '../../core/events.js';

/** A receiver, by name and type, and the alert it was last sent successfully. */
export interface DeliveredAlert {
  receiver: string;
  type: string;
  event: SloAlertEvent;
}

export interface DeliveryLedger {
  /** The alerts each receiver holds open (last delivered as firing), as saved. */
  openAlerts(): DeliveredAlert[];
  /** A delivery succeeded: a trigger opens the alert at that receiver, a resolve closes it. */
  delivered(d: DeliveredAlert): void;
}

/**
 * The resolve for an alert a receiver holds open but nothing evaluates any more: its SLO or
 * tier was removed, or no longer routes to that receiver, while Keel was stopped.
 */
export function closingEvent(open: SloAlertEvent, now: number): SloAlertEvent {
  return {
    ...open,
    state: 'resolved',
    at: now,
    summary: `SLO ${open.slo}: the ${open.tier} alert is no longer evaluated (its SLO, tier or receivers changed), so it is resolved`,
  };
}
