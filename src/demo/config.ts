/**
 * The demo gateway config (docs/operations.md, "The demo walkthrough"), written as the raw object a
 * user would put in a file and passed through validateConfig, so the demo exercises the same path
 * as `keel run`. Timings are short on purpose: a newcomer who puts app-2 down should see health,
 * ejection and the breaker react within a few seconds.
 */
import { type LoadResult, validateConfig } from '../config/index.js';

export interface DemoConfigOptions {
  host?: string;
  port?: number; // gateway listener, default 8080
  adminPort?: number; // default 9901
  adminToken?: string | null;
  upstreamUrls: readonly string[]; // app-1..3 origins
  upstreamNames?: readonly string[];
}

export function demoRawConfig(opts: DemoConfigOptions): Record<string, unknown> {
  const host = opts.host ?? '127.0.0.1';
  const names = opts.upstreamNames ?? opts.upstreamUrls.map((_, i) => `app-${i + 1}`);
  return {
    listeners: [{ name: 'main', host, port: opts.port ?? 8080 }],
    admin: { host, port: opts.adminPort ?? 9901, ...(opts.adminToken ? { token: opts.adminToken } : {}) },
    shutdown: { drain_timeout: '5s' },
    pools: {
      app: {
        hosts: opts.upstreamUrls.map((url, i) => ({ url, name: names[i] ?? `app-${i + 1}` })),
        balancer: { algorithm: 'p2c_ewma' },
        timeouts: { connect: '500ms', first_byte: '5s' },
        health: {
          active: {
            path: '/healthz',
            interval: '1s',
            timeout: '500ms',
            healthy_threshold: 2,
            unhealthy_threshold: 2,
          },
          outlier: {
            enabled: true,
            consecutive_5xx: 3,
            consecutive_gateway_failures: 2,
            base_ejection: '5s',
          },
          slow_start: '5s',
        },
        // Two connection failures in a row open a host's breaker, the same two that eject it: a
        // host put down shows both (breaker open for 3 s, then ejected, then unhealthy while its
        // checks fail). With a higher threshold ejection always wins and the breaker is never seen.
        breaker: { enabled: true, minimum_requests: 10, consecutive_failures: 2, open_timeout: '3s' },
      },
    },
    // A live SLO for the dashboard's SLO panel: put an upstream into `errors` and watch the budget
    // burn and the page tier fire. No receivers: alerts are logged and shown, never sent.
    slos: [
      {
        name: 'app-availability',
        routes: ['app'],
        kind: 'availability',
        objective: 99.5,
        window: '7d',
        alerting: { enabled: true, runbook_url: `http://${host}:${opts.adminPort ?? 9901}/#runbook` },
      },
    ],
    alerts: { evaluation_interval: '2s' },
    routes: [
      // Cached at the edge (docs/caching.md): `curl -si :8080/static/logo | grep cache-status`.
      { name: 'static', match: { path_prefix: '/static' }, pool: 'app', timeout: '10s', cache: {} },
      {
        name: 'app',
        match: { path_prefix: '/' },
        pool: 'app',
        timeout: '10s',
        retry: { enabled: true, max_attempts: 3 },
      },
    ],
  };
}

export function demoConfig(opts: DemoConfigOptions): LoadResult {
  return validateConfig(demoRawConfig(opts));
}
