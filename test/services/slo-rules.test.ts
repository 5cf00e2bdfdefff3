/**
 * `keel slo rules` against Prometheus's own tools (Debian package `prometheus`): the rules written
 * for examples/slo.yaml pass `promtool check rules`, and `promtool test rules` replays synthetic
 * series from a fleet of two instances through them — a fast burn pages, a slow burn opens a
 * ticket and no page, a healthy or a quiet route fires nothing, a latency burn and a throughput
 * drop fire their alerts. A real gateway exposes the le bucket the latency rules read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { scrape, startKeel } from '../integration/metrics-util.js';
import { pool, send, upstreams } from '../integration/proxy-util.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'keel-slo-rules-'));
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, `${cmd} runs (Debian package prometheus for promtool)`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Per instance and per minute: answered 2xx (of which `slow` over 300ms) and 5xx requests. */
interface Phase {
  minutes: number;
  ok: number;
  bad: number;
  slow?: number;
}

/** A counter growing by `perMinute(phase)` each minute, in promtool's expanding notation. */
function counter(phases: Phase[], perMinute: (p: Phase) => number): string {
  let value = 0;
  const parts = ['0'];
  for (const p of phases) {
    const step = perMinute(p);
    parts.push(`${num(value + step)}+${num(step)}x${p.minutes - 1}`);
    value += step * p.minutes;
  }
  return parts.join(' ');
}

function num(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** The request histogram's series for one route on a fleet of two Keel instances. */
function fleet(route: string, phases: Phase[], buckets = true) {
  const series: Array<{ series: string; values: string }> = [];
  for (const instance of ['keel-1:9901', 'keel-2:9901']) {
    const l = (status: number, le?: string) =>
      `{job="keel",instance="${instance}",http_route="${route}",keel_pool="app",http_request_method="GET",http_response_status_code="${status}"${le ? `,le="${le}"` : ''}}`;
    const h = 'http_server_request_duration_seconds';
    series.push(
      { series: `${h}_count${l(200)}`, values: counter(phases, (p) => p.ok) },
      { series: `${h}_count${l(500)}`, values: counter(phases, (p) => p.bad) },
    );
    if (!buckets) continue;
    series.push(
      { series: `${h}_bucket${l(200, '0.3')}`, values: counter(phases, (p) => p.ok - (p.slow ?? 0)) },
      { series: `${h}_bucket${l(500, '0.3')}`, values: counter(phases, (p) => p.bad) },
    );
  }
  return series;
}

const BURN = 'KeelSloErrorBudgetBurn';
const LOW = 'KeelSloThroughputLow';
const page = (slo: string, tier: string) => ({ exp_labels: { severity: 'page', slo, tier } });
const ticket = (slo: string) => ({ exp_labels: { severity: 'ticket', slo, tier: 'ticket' } });
const expect = (eval_time: string, alertname: string, exp_alerts: unknown[] = []) => ({
  eval_time,
  alertname,
  exp_alerts,
});

const API = 'api-availability';
const SEARCH = 'search-latency';

const TESTS = [
  {
    name: 'fast burn: 5% errors pages at once; the page resets within 5m of the burn stopping',
    interval: '1m',
    input_series: fleet('api', [
      { minutes: 70, ok: 285, bad: 15 },
      { minutes: 60, ok: 300, bad: 0 },
    ]),
    alert_rule_test: [
      expect('60m', BURN, [page(API, 'page-fast'), page(API, 'page-slow'), ticket(API)]),
      expect('90m', BURN, [page(API, 'page-slow'), ticket(API)]),
      expect('60m', LOW),
    ],
  },
  {
    name: 'slow burn: 0.2% errors for hours opens a ticket, pages nobody',
    interval: '1m',
    input_series: fleet('api', [{ minutes: 480, ok: 998, bad: 2 }]),
    alert_rule_test: [expect('7h', BURN, [ticket(API)])],
  },
  {
    name: 'healthy: 0.01% errors fire nothing',
    interval: '1m',
    input_series: fleet('api', [{ minutes: 480, ok: 9999, bad: 1 }]),
    alert_rule_test: [expect('1h', BURN), expect('7h', BURN), expect('7h', LOW)],
  },
  {
    name: 'quiet: every request fails, but too few events in any window to alert',
    interval: '1m',
    input_series: fleet('api', [{ minutes: 240, ok: 0, bad: 0.1 }]),
    alert_rule_test: [expect('2h', BURN), expect('4h', BURN), expect('4h', LOW)],
  },
  {
    name: 'latency burn: 20% of searches slower than 300ms pages on search-latency',
    interval: '1m',
    input_series: fleet('search', [{ minutes: 120, ok: 300, bad: 0, slow: 60 }]),
    alert_rule_test: [
      expect('70m', BURN, [page(SEARCH, 'page-fast'), page(SEARCH, 'page-slow'), ticket(SEARCH)]),
    ],
  },
  {
    name: 'latency without its le bucket (threshold added by a reload, not restarted yet): no data',
    interval: '1m',
    input_series: fleet('search', [{ minutes: 120, ok: 300, bad: 0 }], false),
    alert_rule_test: [expect('70m', BURN)],
  },
  {
    name: 'throughput floor: the fleet dropping from 20 to 2 requests/s fires',
    interval: '1m',
    input_series: fleet('api', [
      { minutes: 120, ok: 600, bad: 0 },
      { minutes: 30, ok: 60, bad: 0 },
    ]),
    alert_rule_test: [
      expect('60m', LOW),
      expect('140m', LOW, [{ exp_labels: { severity: 'page', slo: 'api-throughput', tier: 'floor' } }]),
    ],
  },
];

describe('keel slo rules + promtool', () => {
  const rulesFile = join(dir, 'keel-slo.rules.yml');

  it('writes rules for examples/slo.yaml that promtool check rules accepts', () => {
    const r = run(process.execPath, [MAIN, 'slo', 'rules', '-c', 'examples/slo.yaml', '-o', rulesFile]);
    assert.equal(r.code, 0, r.out);
    const check = run('promtool', ['check', 'rules', rulesFile]);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /SUCCESS: 18 rules found/);
  });

  it('fires each alert exactly when it must (promtool test rules)', () => {
    // promtool compares annotations verbatim, and the descriptions template $value; the firing
    // logic is what is tested here, so a copy without annotations is replayed.
    const rules = parse(readFileSync(rulesFile, 'utf8'));
    for (const g of rules.groups) for (const rule of g.rules) delete rule.annotations;
    writeFileSync(join(dir, 'logic.rules.yml'), stringify(rules));
    const testFile = join(dir, 'slo.test.yml');
    writeFileSync(
      testFile,
      stringify(
        { rule_files: ['logic.rules.yml'], evaluation_interval: '1m', tests: TESTS },
        { lineWidth: 0 },
      ),
    );
    const r = run('promtool', ['test', 'rules', testFile]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it("gives a real gateway's request histogram the latency threshold's bucket", async () => {
    const ups = await upstreams(1);
    const keel = await startKeel({
      pools: pool('app', ups),
      routes: [{ name: 'search', match: { path_prefix: '/' }, pool: 'app' }],
      slos: [
        {
          name: 'search-latency',
          routes: ['search'],
          kind: 'latency',
          objective: 99,
          latency: { threshold: '300ms' },
          alerting: { enabled: false },
        },
      ],
    });
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    await send(`${keel.url}/x`);
    const { text } = await scrape(keel.admin);
    assert.match(text, /http_server_request_duration_seconds_bucket\{le="0\.3",http_route="search"/);
  });
});
