/**
 * Local stand-ins for each alert destination, for the contract suite: a real HTTP server on
 * 127.0.0.1:0 that validates what it receives the way the real service would (each problem is
 * recorded, the suite asserts none), answers from a script, and normalises every accepted request
 * into one shape ({action, key, fields}) so one suite can check all four senders.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertReceiverConfig, AlertReceiverType } from '../../config/types.js';
import type { SloAlertEvent } from '../../core/events.js';
import type { AlertLogger } from './attempt.js';

export const T0 = Date.parse('2026-11-27T12:00:00Z');

export function alert(over: Partial<SloAlertEvent> = {}): SloAlertEvent {
  return {
    key: 'checkout:page-fast',
    slo: 'checkout',
    tier: 'page-fast',
    severity: 'critical',
    state: 'firing',
    objective: 99.9,
    window: '30d',
    burnRateLong: 14.9,
    burnRateShort: 16.2,
    threshold: 14.4,
    longWindow: '1h',
    shortWindow: '5m',
    budgetRemaining: 0.42,
    runbookUrl: 'https://runbooks.example/checkout',
    receivers: [],
    summary: 'checkout is burning its 30d error budget 14.9x too fast',
    at: T0,
    ...over,
  };
}
export const resolved = (over: Partial<SloAlertEvent> = {}) =>
  alert({ state: 'resolved', at: T0 + 60_000, ...over });

export function captureLogger(): AlertLogger & {
  lines: Array<{ level: string; obj: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: object) => lines.push({ level, obj: obj as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export interface Received {
  action: 'trigger' | 'resolve';
  key: string;
  /** slo, burn_rate_long, budget_remaining, window, runbook_url, as strings. */
  fields: Record<string, string>;
}

/** A scripted answer; 'hang' never answers. Unscripted requests get the destination's success. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Double {
  readonly type: AlertReceiverType;
  receiver(over?: Partial<AlertReceiverConfig>): AlertReceiverConfig;
  script(...replies: Reply[]): void;
  /** Every request, accepted or not, normalised. */
  readonly received: Received[];
  readonly problems: string[];
  close(): Promise<void>;
}

export const KEY = 'r0ut1ngk3y';
export const SECRET = 'hunter2';

type Parsed = { req: IncomingMessage; url: URL; body: unknown };
type Check = (p: Parsed, problems: string[], seen: Set<string>, now: number) => Received | null;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
const pick = (o: Record<string, unknown>): Record<string, string> => ({
  slo: str(o.slo),
  burn_rate_long: str(o.burn_rate_long),
  budget_remaining: str(o.budget_remaining),
  window: str(o.window),
  runbook_url: str(o.runbook_url),
});

const pagerduty: Check = ({ req, url, body }, problems, seen) => {
  const b = rec(body);
  const p = rec(b.payload);
  if (url.pathname !== '/v2/enqueue') problems.push(`pagerduty: path ${url.pathname}`);
  if (b.routing_key !== KEY) problems.push(`pagerduty: routing_key ${str(b.routing_key)}`);
  if (b.event_action !== 'trigger' && b.event_action !== 'resolve')
    problems.push(`pagerduty: event_action ${str(b.event_action)}`);
  const key = str(b.dedup_key);
  if (!key || key.length > 255) problems.push(`pagerduty: dedup_key ${key}`);
  if (b.event_action === 'resolve' && !seen.has(key))
    problems.push(`pagerduty: resolve of unknown dedup_key ${key}`);
  if (b.event_action === 'trigger') {
    seen.add(key);
    if (!['critical', 'error', 'warning', 'info'].includes(str(p.severity)))
      problems.push(`pagerduty: severity ${str(p.severity)}`);
    if (!p.summary || str(p.summary).length > 1024) problems.push('pagerduty: summary missing or too long');
    if (!p.source) problems.push('pagerduty: source missing');
  }
  if (!str(req.headers['content-type']).startsWith('application/json'))
    problems.push('pagerduty: content-type');
  return {
    action: b.event_action === 'resolve' ? 'resolve' : 'trigger',
    key,
    fields: pick(rec(p.custom_details)),
  };
};

const opsgenie: Check = ({ req, url, body }, problems, seen) => {
  const b = rec(body);
  if (req.headers.authorization !== `GenieKey ${KEY}`)
    problems.push(`opsgenie: authorization ${str(req.headers.authorization)}`);
  const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
  if (close) {
    const alias = decodeURIComponent(close[1]!);
    if (url.searchParams.get('identifierType') !== 'alias')
      problems.push('opsgenie: close without identifierType=alias');
    if (!seen.has(alias)) problems.push(`opsgenie: close of unknown alias ${alias}`);
    return { action: 'resolve', key: alias, fields: {} };
  }
  if (url.pathname !== '/v2/alerts') problems.push(`opsgenie: path ${url.pathname}`);
  const alias = str(b.alias);
  if (!alias || alias.length > 512) problems.push(`opsgenie: alias ${alias}`);
  if (!b.message || str(b.message).length > 130) problems.push('opsgenie: message missing or too long');
  if (!/^P[1-5]$/.test(str(b.priority))) problems.push(`opsgenie: priority ${str(b.priority)}`);
  if (Object.values(rec(b.details)).some((v) => typeof v !== 'string'))
    problems.push('opsgenie: details must be strings');
  seen.add(alias);
  return { action: 'trigger', key: alias, fields: pick(rec(b.details)) };
};

const alertmanager: Check = ({ url, body }, problems, _seen, now) => {
  if (url.pathname !== '/api/v2/alerts') problems.push(`alertmanager: path ${url.pathname}`);
  if (!Array.isArray(body) || body.length !== 1) {
    problems.push('alertmanager: body is not a one-alert array');
    return null;
  }
  const a = rec(body[0]);
  const labels = rec(a.labels);
  if (!labels.alertname) problems.push('alertmanager: no alertname label');
  if (Object.values(labels).some((v) => typeof v !== 'string' || v === ''))
    problems.push('alertmanager: bad label value');
  const starts = Date.parse(str(a.startsAt));
  const ends = Date.parse(str(a.endsAt));
  if (Number.isNaN(starts) || Number.isNaN(ends) || ends < starts)
    problems.push('alertmanager: startsAt/endsAt');
  const ann = rec(a.annotations);
  if (!ann.summary || !ann.runbook_url) problems.push('alertmanager: summary/runbook_url annotations');
  return {
    action: ends <= now ? 'resolve' : 'trigger',
    key: `${str(labels.slo)}:${str(labels.tier)}`,
    fields: pick({ ...ann, slo: labels.slo }),
  };
};

const webhook: Check = ({ req, body }, problems) => {
  const b = rec(body);
  if (req.headers['x-keel-secret'] !== SECRET) problems.push('webhook: x-keel-secret header');
  if (!str(req.headers['content-type']).startsWith('application/json'))
    problems.push('webhook: content-type');
  if (b.state !== 'firing' && b.state !== 'resolved') problems.push(`webhook: state ${str(b.state)}`);
  return { action: b.state === 'resolved' ? 'resolve' : 'trigger', key: str(b.key), fields: pick(b) };
};

const CHECKS: Record<AlertReceiverType, { check: Check; path: string; ok: number }> = {
  pagerduty: { check: pagerduty, path: '/v2/enqueue', ok: 202 },
  opsgenie: { check: opsgenie, path: '/v2/alerts', ok: 202 },
  alertmanager: { check: alertmanager, path: '', ok: 200 },
  webhook: { check: webhook, path: '/hook', ok: 204 },
};

export async function startDouble(type: AlertReceiverType, now: () => number): Promise<Double> {
  const { check, path, ok } = CHECKS[type];
  const received: Received[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const replies: Reply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') problems.push(`${type}: method ${req.method}`);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        problems.push(`${type}: body is not JSON`);
      }
      const r = check({ req, url: new URL(req.url ?? '/', 'http://x'), body }, problems, seen, now());
      if (r) received.push(r);
      const reply = replies.shift() ?? { status: ok };
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? (reply.status === 204 ? undefined : '{"status":"success"}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    type,
    received,
    problems,
    script: (...r) => replies.push(...r),
    receiver: (over = {}) => ({
      name: type,
      type,
      url: base + path,
      key: type === 'pagerduty' || type === 'opsgenie' ? KEY : null,
      headers: type === 'webhook' ? { 'x-keel-secret': SECRET } : {},
      timeout: 2000,
      max_retries: 3,
      ...over,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
