// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from './validate.js';

const base = {
  pools: { web: { hosts: ['http://127.0.0.1:8081'] } },
  routes: [
    { name: 'api', pool: 'web' },
    { name: 'auth', pool: 'web', match: { path_prefix: '/auth' } },
  ],
};
const RUNBOOK = 'https://runbooks.example.com/x';

function check(extra: Record<string, unknown>, env: Record<string, string> = {}) {
  return validateConfig({ ...base, ...extra }, env);
}
function valid(extra: Record<string, unknown>, env: Record<string, string> = {}) {
  const r = check(extra, env);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}
function problems(extra: Record<string, unknown>): string[] {
  const r = check(extra);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.code}: ${p.message}`);
}

test('an availability SLO gets every default, tiers scaled per the SRE Workbook (30d: 14.4, 6, 1)', () => {
  const c = valid({
    slos: [{ name: 'a', kind: 'availability', objective: 99.9, alerting: { runbook_url: RUNBOOK } }],
  });
  const s = c.slos[0]!;
  assert.equal(s.window, 30 * 86_400_000);
  assert.deepEqual(s.routes, []);
  assert.deepEqual(s.good, { client_errors_bad: false, bad_statuses: [] });
  assert.deepEqual(s.policy, { stop_retries: false, shed_share: 0, freeze_reloads: false });
  assert.equal(s.alerting.enabled, true);
  assert.equal(s.alerting.min_events, 100);
  assert.deepEqual(
    s.alerting.tiers.map((t) => [
      t.name,
      t.severity,
      t.budget_share,
      t.long_window,
      t.short_window,
      t.burn_rate,
    ]),
    [
      ['page-fast', 'critical', 0.02, 3_600_000, 300_000, 14.4],
      ['page-slow', 'critical', 0.05, 21_600_000, 1_800_000, 6],
      ['ticket', 'warning', 0.1, 259_200_000, 21_600_000, 1],
    ],
  );
  assert.equal(s.latency_threshold, null);
  assert.equal(s.min_rps, null);
});

test('tiers scale with the window and given tiers get a derived burn rate', () => {
  const c = valid({
    slos: [
      { name: 'w', kind: 'availability', objective: 99, window: '7d', alerting: { runbook_url: RUNBOOK } },
      {
        name: 't',
        kind: 'latency',
        objective: 95,
        window: '28d',
        latency: { threshold: '200ms' },
        alerting: {
          runbook_url: RUNBOOK,
          tiers: [
            {
              name: 'fast',
              severity: 'critical',
              budget_share: 0.05,
              long_window: '2h',
              short_window: '10m',
            },
          ],
        },
      },
    ],
  });
  assert.deepEqual(
    c.slos[0]!.alerting.tiers.map((t) => t.burn_rate),
    [3.36, 1.4, 0.233333333333],
  );
  assert.equal(c.slos[1]!.latency_threshold, 200);
  assert.deepEqual(c.slos[1]!.alerting.tiers, [
    {
      name: 'fast',
      severity: 'critical',
      budget_share: 0.05,
      long_window: 7_200_000,
      short_window: 600_000,
      burn_rate: 16.8,
    },
  ]);
});

test('receivers: default URLs for the hosted APIs, keys from ${VAR}, defaults for the rest', () => {
  const c = valid(
    {
      alerts: {
        evaluation_interval: '30s',
        state_file: '/tmp/slo.db',
        receivers: [
          { name: 'pd', type: 'pagerduty', key: '${PD_KEY}' },
          { name: 'og', type: 'opsgenie', key: 'k' },
          { name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:9093' },
          {
            name: 'hook',
            type: 'webhook',
            url: 'http://127.0.0.1:9000/alerts',
            headers: { 'X-Team': 'sre' },
          },
        ],
      },
    },
    { PD_KEY: 'routing' },
  );
  assert.equal(c.alerts.evaluation_interval, 30_000);
  assert.equal(c.alerts.state_file, '/tmp/slo.db');
  const [pd, og, am, hook] = c.alerts.receivers;
  assert.deepEqual(pd, {
    name: 'pd',
    type: 'pagerduty',
    url: 'https://events.pagerduty.com/v2/enqueue',
    key: 'routing',
    headers: {},
    timeout: 5000,
    max_retries: 5,
  });
  assert.equal(og!.url, 'https://api.opsgenie.com/v2/alerts');
  assert.equal(am!.key, null);
  assert.deepEqual(hook!.headers, { 'X-Team': 'sre' });
});

test('an alerting SLO without a runbook is refused; alerting.enabled: false tracks it without one', () => {
  const r = check({ slos: [{ name: 'a', kind: 'availability', objective: 99.9 }] });
  assert.equal(r.ok, false);
  const p = !r.ok ? r.problems[0]! : null;
  assert.equal(p?.path, 'slos[0].alerting.runbook_url');
  assert.equal(p?.code, 'missing_runbook');
  assert.match(p?.hint ?? '', /runbook_url.*enabled: false/);
  valid({ slos: [{ name: 'a', kind: 'availability', objective: 99.9, alerting: { enabled: false } }] });
});

test('semantic problems carry paths: routes, kinds, windows, receivers, duplicates', () => {
  const got = problems({
    slos: [
      { name: 'a', routes: ['api', 'apii'], kind: 'latency', objective: 99, alerting: { enabled: false } },
      {
        name: 'a',
        kind: 'throughput',
        objective: 99,
        window: '2d',
        alerting: { runbook_url: RUNBOOK, receivers: ['pager'] },
      },
      {
        name: 'c',
        kind: 'availability',
        objective: 99,
        window: '7d',
        alerting: {
          runbook_url: RUNBOOK,
          tiers: [
            { name: 'x', severity: 'warning', budget_share: 0.1, long_window: '8d', short_window: '8d' },
          ],
        },
      },
    ],
    alerts: {
      receivers: [
        { name: 'pd', type: 'pagerduty' },
        { name: 'pd', type: 'alertmanager' },
      ],
    },
  });
  assert.deepEqual(got, [
    'slos[0].routes[1]: unknown_reference: unknown route "apii" (known: api, auth)',
    'slos[0].latency: missing_threshold: a latency SLO needs latency.threshold',
    'slos[1].name: duplicate: duplicate SLO name "a" (also slos[0])',
    'slos[1].window: invalid_window: 2d is not a whole number of days from 7d to 90d',
    'slos[1].throughput: missing_min_rps: a throughput SLO needs throughput.min_rps',
    'slos[1].alerting.receivers[0]: unknown_reference: unknown receiver "pager" (known: pd)',
    'slos[2].alerting.tiers[0].short_window: invalid_range: 8d is not shorter than long_window 8d',
    'slos[2].alerting.tiers[0].long_window: invalid_range: 8d is longer than the SLO window 7d',
    'alerts.receivers[0].key: missing_key: a pagerduty receiver needs a key',
    'alerts.receivers[1].name: duplicate: duplicate receiver name "pd" (also alerts.receivers[0])',
    'alerts.receivers[1].url: missing_url: an alertmanager receiver needs a url',
  ]);
});

test('schema problems: objective range, kind enum, unknown keys, bad windows', () => {
  const got = problems({
    slos: [
      { name: 'a', kind: 'availabilty', objective: 100, alerting: { enabled: false } },
      { name: 'b', kind: 'latency', objective: 0, window: '30 days', latency: { treshold: '1s' } },
    ],
  });
  assert.equal(got.length, 5, got.join('\n'));
  assert.ok(got.some((l) => l.startsWith('slos[0].kind: invalid_value')));
  assert.ok(got.some((l) => l.startsWith('slos[0].objective: ')));
  assert.ok(got.some((l) => l.startsWith('slos[1].objective: ')));
  assert.ok(got.some((l) => l.startsWith('slos[1].window: invalid_duration: "30 days" is not a duration')));
  assert.ok(got.some((l) => l.startsWith('slos[1].latency.treshold: unknown_key')));
});

test('a resolved config with SLOs and receivers validates to itself (admin "get config" → edit → reload)', () => {
  const c = valid({
    slos: [
      { name: 'a', kind: 'availability', objective: 99.9, alerting: { runbook_url: RUNBOOK } },
      {
        name: 'l',
        kind: 'latency',
        objective: 95,
        window: '7d',
        latency: { threshold: '250ms' },
        alerting: { enabled: false },
      },
      {
        name: 't',
        kind: 'throughput',
        objective: 99,
        throughput: { min_rps: 2 },
        alerting: { enabled: false },
      },
    ],
    alerts: {
      receivers: [
        { name: 'pd', type: 'pagerduty', key: 'k' },
        { name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:9093' },
      ],
    },
  });
  assert.deepEqual(valid(JSON.parse(JSON.stringify(c))), c);
});

test('a given burn_rate must equal the derived one', () => {
  const tier = { name: 'x', severity: 'critical', budget_share: 0.02, long_window: '1h', short_window: '5m' };
  valid({
    slos: [
      {
        name: 'a',
        kind: 'availability',
        objective: 99.9,
        alerting: { runbook_url: RUNBOOK, tiers: [{ ...tier, burn_rate: 14.4 }] },
      },
    ],
  });
  assert.deepEqual(
    problems({
      slos: [
        {
          name: 'a',
          kind: 'availability',
          objective: 99.9,
          alerting: { runbook_url: RUNBOOK, tiers: [{ ...tier, burn_rate: 10 }] },
        },
      ],
    }),
    [
      'slos[0].alerting.tiers[0].burn_rate: derived_value: 10 differs from the derived burn rate 14.4 (budget_share × window / long_window)',
    ],
  );
});

test('one SLO with a schema problem hides none of the other SLOs’ problems (each entry validates alone)', () => {
  const got = problems({
    slos: [
      { name: 'broken', kind: 'availability', objective: 100, alerting: { enabled: false } },
      { name: 'a', routes: ['nope'], kind: 'availability', objective: 99.9, alerting: { enabled: false } },
      { name: 'b', kind: 'availability', objective: 99.9 },
      {
        name: 'a',
        kind: 'availability',
        objective: 99,
        window: '7d',
        alerting: {
          enabled: false,
          tiers: [
            { name: 't', severity: 'warning', budget_share: 0.1, long_window: '8d', short_window: '1h' },
          ],
        },
      },
      { name: 'c', kind: 'latency', objective: 99.5, alerting: { enabled: false } },
    ],
  });
  assert.deepEqual(got.map((l) => l.split(': ').slice(0, 2).join(': ')).sort(), [
    'slos[0].objective: too_big',
    'slos[1].routes[0]: unknown_reference',
    'slos[2].alerting.runbook_url: missing_runbook',
    'slos[3].alerting.tiers[0].long_window: invalid_range',
    'slos[3].name: duplicate',
    'slos[4].latency: missing_threshold',
  ]);
});

test('`slos:` that is not a list is one problem at slos', () => {
  assert.deepEqual(
    problems({ slos: { name: 'a' } }).map((l) => l.split(': ')[0]),
    ['slos'],
  );
});

test('objectives: decimal places are bounded so the budget stays exact; a tier may not outlast the window', () => {
  const slo = (objective: number) => ({
    name: 'a',
    kind: 'availability',
    objective,
    alerting: { enabled: false },
  });
  assert.equal(valid({ slos: [slo(99.999999)] }).slos[0]!.objective, 99.999999);
  assert.deepEqual(problems({ slos: [slo(99.9999999)] }), [
    'slos[0].objective: invalid_precision: 99.9999999 has more than 6 decimal places',
  ]);
  // Quoted numbers (e.g. from ${VAR}) and hex strings are strings, never read as numbers.
  for (const objective of ['99.9', '0x10'])
    assert.match(
      problems({ slos: [{ ...slo(1), objective }] })[0]!,
      /^slos\[0\]\.objective: invalid_type: expected a number/,
    );
  const long = problems({
    slos: [
      {
        ...slo(99.9),
        window: '7d',
        alerting: {
          enabled: false,
          tiers: [
            { name: 't', severity: 'warning', budget_share: 0.1, long_window: '10d', short_window: '1h' },
          ],
        },
      },
    ],
  });
  assert.deepEqual(long, [
    'slos[0].alerting.tiers[0].long_window: invalid_range: 10d is longer than the SLO window 7d',
  ]);
});

test('a receiver or runbook URL that is not one says what a URL looks like (not "expected Invalid URL")', () => {
  const r = validateConfig(
    {
      listeners: [{ port: 0 }],
      pools: { web: { hosts: ['http://127.0.0.1:1'] } },
      routes: [{ pool: 'web' }],
      alerts: { receivers: [{ name: 'w', type: 'webhook', url: 'not a url' }] },
    },
    {},
  );
  assert.equal(r.ok, false);
  const p = r.ok ? undefined : r.problems.find((x) => x.path === 'alerts.receivers[0].url');
  assert.ok(p, JSON.stringify(r));
  assert.match(p.message, /expected an http:\/\/ or https:\/\/ URL/);
  assert.doesNotMatch(`${p.message} ${p.hint}`, /Invalid URL/);
});
