/**
 * PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): one endpoint for
 * trigger and resolve; `dedup_key` ties them together, so the SLO alert's stable key is used and a
 * resolve closes exactly the incident its trigger opened. PagerDuty answers 202 Accepted.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import { type AlertRequest, type AlertSender, alertDetails, jsonHeaders } from './sender.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';

export function pagerDutySender(cfg: AlertReceiverConfig): AlertSender {
  const url = cfg.url || PAGERDUTY_URL;
  return {
    type: 'pagerduty',
    resendMs: null,
    build(e: SloAlertEvent): AlertRequest {
      const body = {
        routing_key: cfg.key ?? '',
        event_action: e.state === 'firing' ? 'trigger' : 'resolve',
        dedup_key: e.key,
        payload: {
          summary: e.summary,
          source: 'keel',
          severity: e.severity, // Events v2 severities: critical, error, warning, info
          component: 'slo',
          group: e.tier,
          custom_details: alertDetails(e),
        },
        links: [{ href: e.runbookUrl, text: 'Runbook' }],
      };
      return { url, headers: jsonHeaders(cfg), body: JSON.stringify(body) };
    },
  };
}
