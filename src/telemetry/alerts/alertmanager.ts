/**
 * Alertmanager API v2 (`POST /api/v2/alerts`, prometheus/alertmanager api/v2/openapi.yaml).
 * Alertmanager identifies an alert by its label set, so the labels {alertname, slo, tier, severity}
 * are the dedup key. An alert whose endsAt passes is resolved by Alertmanager itself; like
 * Prometheus (rules/alerting.go: resend delay 1m, endsAt = now + 4 × resend delay), Keel re-sends
 * a firing alert every `ALERTMANAGER_RESEND_MS` with a fresh endsAt, so an alert outlives a missed
 * send but resolves on its own within minutes if Keel dies. A resolve sets endsAt = now.
 */
import type { AlertReceiverConfig } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import {
  type AlertRequest,
  type AlertSender,
  alertDetailStrings,
  type BuildContext,
  describeAlert,
  jsonHeaders,
} from './sender.js';

export const ALERTMANAGER_RESEND_MS = 60_000;
export const ALERTNAME = 'KeelSLOBurnRate';

export function alertmanagerSender(cfg: AlertReceiverConfig): AlertSender {
  const url = `${cfg.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    type: 'alertmanager',
    resendMs: ALERTMANAGER_RESEND_MS,
    build(e: SloAlertEvent, ctx: BuildContext): AlertRequest {
      const endsAt = e.state === 'firing' ? ctx.now + 4 * ALERTMANAGER_RESEND_MS : ctx.now;
      const alert = {
        labels: { alertname: ALERTNAME, slo: e.slo, tier: e.tier, severity: e.severity },
        // Labels identify the alert; everything that changes while it fires is an annotation.
        annotations: { ...alertDetailStrings(e), summary: e.summary, description: describeAlert(e) },
        // Alertmanager keeps the earliest startsAt when it merges updates of one alert.
        startsAt: new Date(Math.min(e.at, endsAt)).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
      };
      return { url, headers: jsonHeaders(cfg), body: JSON.stringify([alert]) };
    },
  };
}
