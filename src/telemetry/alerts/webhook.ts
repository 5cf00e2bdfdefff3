/**
 * A plain JSON webhook: the SLO alert event itself, in the config's snake_case, POSTed with the
 * receiver's headers (e.g. a shared secret). `key` is the dedup key; `state` says firing/resolved.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import { type AlertRequest, type AlertSender, alertDetails, jsonHeaders } from './sender.js';

export function webhookSender(cfg: AlertReceiverConfig): AlertSender {
  return {
    type: 'webhook',
    resendMs: null,
    build(e: SloAlertEvent): AlertRequest {
      const body = {
        key: e.key,
        state: e.state,
        severity: e.severity,
        summary: e.summary,
        ...alertDetails(e),
        receivers: e.receivers,
        at: new Date(e.at).toISOString(),
        source: 'keel',
      };
      return { url: cfg.url, headers: jsonHeaders(cfg), body: JSON.stringify(body) };
    },
  };
}
