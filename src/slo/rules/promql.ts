/**
 * PromQL pieces over Keel's own metrics (docs/metrics.md): the request histogram's `_count` is the
 * request count and its `_bucket{le}` the requests at most `le` seconds long. Every sum drops all
 * labels (`sum(...)`), so the result is fleet-wide: every instance, pod and worker Prometheus scrapes.
 */
import type { SloConfig } from '../../config/types.js';
import { formatWindow } from '../format.js';

export const COUNT = 'http_server_request_duration_seconds_count';
export const BUCKET = 'http_server_request_duration_seconds_bucket';
const STATUS = 'http_response_status_code';

/** A PromQL duration and the suffix of a recording rule's name: 300000 → "5m", 259200000 → "3d". */
export function promDuration(ms: number): string {
  return formatWindow(ms);
}

/** A double-quoted PromQL string (the escapes are Go's, as in PromQL's lexer). */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** RE2 syntax: route names are matched literally. */
function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * The SLO's routes. None named means every routed request; requests that matched no route are
 * recorded as http_route="unmatched" and left out, as the engine skips them (src/slo/classify.ts).
 */
export function routeMatcher(slo: SloConfig): string {
  if (slo.routes.length === 0) return 'http_route!="unmatched"';
  if (slo.routes.length === 1) return `http_route=${quote(slo.routes[0]!)}`;
  return `http_route=~${quote(slo.routes.map(escapeRegex).join('|'))}`;
}

/** Status 0 (client gone before any response head) was never answered: neither good nor bad. */
export const ANSWERED = `${STATUS}!="0"`;

/**
 * The statuses that are bad (the engine's rule, src/slo/classify.ts): every 5xx — shed requests
 * are answered 503 and recorded with it, so keel_shed_total is a breakdown, not an addition —
 * every 4xx when client errors count, and the listed extra statuses (e.g. 429).
 */
export function badStatusMatcher(slo: SloConfig): string {
  const parts = ['5..'];
  if (slo.good.client_errors_bad) parts.push('4..');
  for (const s of [...slo.good.bad_statuses].sort((a, b) => a - b)) {
    if (s >= 500 || (slo.good.client_errors_bad && s >= 400)) continue;
    parts.push(String(s));
  }
  return `${STATUS}=~${quote(parts.join('|'))}`;
}

/** Latency: a good request is fast and not a 5xx (shed included), as in src/slo/classify.ts. */
export const NOT_FAILED = `${STATUS}!~"0|5.."`;

/** The bucket bound as prom-client renders it (String(seconds)), e.g. 200 ms → "0.2". */
export function leValue(thresholdMs: number): string {
  return String(thresholdMs / 1000);
}

export function selector(metric: string, matchers: readonly string[]): string {
  return `${metric}{${matchers.filter((m) => m !== '').join(',')}}`;
}

export function sumRate(metric: string, matchers: readonly string[], windowMs: number): string {
  return `sum(rate(${selector(metric, matchers)}[${promDuration(windowMs)}]))`;
}
