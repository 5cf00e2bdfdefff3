/**
 * Opsgenie Alert API v2 (docs.opsgenie.com, "Alert API"): create with an `alias` (Opsgenie's
 * dedup key: a create for an open alias only bumps its count), close by that alias with
 * `identifierType=alias`. Auth is `Authorization: GenieKey <key>`. Both answer 202 Accepted.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import {
  type AlertRequest,
  type AlertSender,
  alertDetailStrings,
  describeAlert,
  jsonHeaders,
} from './sender.js';

export const OPSGENIE_URL = 'https://api.opsgenie.com/v2/alerts';

export function opsgenieSender(cfg: AlertReceiverConfig): AlertSender {
  const base = (cfg.url || OPSGENIE_URL).replace(/\/+$/, '');
  const headers = jsonHeaders(cfg, { authorization: `GenieKey ${cfg.key ?? ''}` });
  return {
    type: 'opsgenie',
    resendMs: null,
    build(e: SloAlertEvent): AlertRequest {
      if (e.state === 'resolved') {
        return {
          url: `${base}/${encodeURIComponent(e.key)}/close?identifierType=alias`,
          headers,
          body: JSON.stringify({ source: 'keel', note: e.summary }),
        };
      }
      const body = {
        message: e.summary.slice(0, 130), // Opsgenie truncates message at 130 characters
        alias: e.key,
        description: describeAlert(e),
        priority: e.severity === 'critical' ? 'P1' : 'P3',
        details: alertDetailStrings(e), // Opsgenie details are string to string
        source: 'keel',
        tags: ['keel', 'slo', e.slo, e.tier, e.severity],
      };
      return { url: base, headers, body: JSON.stringify(body) };
    },
  };
}
