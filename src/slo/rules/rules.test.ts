import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { slo } from './fixture.test-util.js';
import type { AlertingRule, RecordingRule } from './index.js';
import { ruleGroups, rulesYaml } from './index.js';

const checkout = slo({ name: 'checkout', kind: 'availability', routes: ['cart', 'pay'] });
const fast = slo({
  name: 'search-fast',
  kind: 'latency',
  routes: ['search'],
  latency_threshold: 300,
  objective: 99,
});
const floor = slo({ name: 'ingest-floor', kind: 'throughput', routes: ['ingest'], min_rps: 50 });

function rules(s = checkout) {
  const [group] = ruleGroups([s]);
  const all = group!.rules;
  return {
    group: group!,
    recording: all.filter((r): r is RecordingRule => 'record' in r),
    alerting: all.filter((r): r is AlertingRule => 'alert' in r),
  };
}

describe('slo rules generator', () => {
  it('records the error ratio over every tier window, named level:metric:operations', () => {
    const { group, recording } = rules();
    assert.equal(group.name, 'keel-slo-checkout');
    assert.deepEqual(
      recording.map((r) => r.record),
      ['5m', '30m', '1h', '6h', '3d'].map((w) => `keel:slo_errors:ratio_rate${w}`),
    );
    for (const r of recording) assert.deepEqual(r.labels, { slo: 'checkout' });
  });

  it('availability: bad = 5xx (shed included) over answered requests, fleet-wide, routes filtered', () => {
    const expr = rules().recording[0]!.expr;
    assert.match(
      expr,
      /^\(sum\(rate\(http_server_request_duration_seconds_count\{http_route=~"cart\|pay",http_response_status_code=~"5\.\."\}\[5m\]\)\) or vector\(0\)\)/,
    );
    assert.match(
      expr,
      /\/\nsum\(rate\(http_server_request_duration_seconds_count\{http_route=~"cart\|pay",http_response_status_code!="0"\}\[5m\]\)\)$/,
    );
    assert.doesNotMatch(expr, /by \(/, 'summed across every instance');
  });

  it('counts 4xx and listed statuses when configured; every route but unmatched when none named', () => {
    const s = slo({
      name: 'all',
      kind: 'error_rate',
      good: { client_errors_bad: false, bad_statuses: [429, 503] },
    });
    const expr = rules(s).recording[0]!.expr;
    assert.match(expr, /http_route!="unmatched",http_response_status_code=~"5\.\.\|429"/);
    const c = slo({
      name: 'c',
      kind: 'error_rate',
      routes: ['a.b'],
      good: { client_errors_bad: true, bad_statuses: [429] },
    });
    assert.match(rules(c).recording[0]!.expr, /http_route="a\.b",http_response_status_code=~"5\.\.\|4\.\."/);
  });

  it('latency: bad = answered minus fast non-5xx requests, read from the le bucket of the threshold', () => {
    const expr = rules(fast).recording[0]!.expr;
    assert.match(
      expr,
      /http_server_request_duration_seconds_bucket\{http_route="search",le="0\.3",http_response_status_code!~"0\|5\.\."\}\[5m\]/,
    );
    assert.match(expr, /^\(\n {2}sum\(rate\(http_server_request_duration_seconds_count/);
    assert.match(
      expr,
      / or 0 \* sum\(rate\(http_server_request_duration_seconds_bucket\{http_route="search",le="0\.3"\}\[5m\]\)\)\)/,
    );
  });

  it('alerts per tier: both windows above burn × budget, a traffic guard, severity and runbook', () => {
    const { alerting } = rules();
    assert.deepEqual(
      alerting.map((a) => [a.alert, a.labels.tier, a.labels.severity]),
      [
        ['KeelSloErrorBudgetBurn', 'page-fast', 'page'],
        ['KeelSloErrorBudgetBurn', 'page-slow', 'page'],
        ['KeelSloErrorBudgetBurn', 'ticket', 'ticket'],
      ],
    );
    const pageFast = alerting[0]!;
    assert.equal(
      pageFast.expr,
      [
        '(',
        '  keel:slo_errors:ratio_rate1h{slo="checkout"} > (14.4 * 0.001)',
        'and',
        '  keel:slo_errors:ratio_rate5m{slo="checkout"} > (14.4 * 0.001)',
        ')',
        'and on() (sum(increase(http_server_request_duration_seconds_count{http_route=~"cart|pay",http_response_status_code!="0"}[1h])) >= 100)',
      ].join('\n'),
    );
    assert.equal(pageFast.for, undefined);
    assert.equal(pageFast.annotations.runbook_url, 'https://runbooks.example/checkout');
    assert.equal(pageFast.annotations.burn_rate, '14.4');
    assert.match(pageFast.annotations.description!, /gone in 2d 2h/);
    assert.match(alerting[2]!.expr, /ratio_rate3d\{slo="checkout"\} > \(1 \* 0\.001\)/);
  });

  it('throughput: a rate5m recording and a floor alert guarded by traffic over the longest window', () => {
    const { recording, alerting } = rules(floor);
    assert.deepEqual(
      recording.map((r) => r.record),
      ['keel:slo_requests:rate5m'],
    );
    assert.equal(
      recording[0]!.expr,
      'sum(rate(http_server_request_duration_seconds_count{http_route="ingest"}[5m]))',
    );
    assert.equal(alerting.length, 1);
    assert.equal(alerting[0]!.alert, 'KeelSloThroughputLow');
    assert.match(
      alerting[0]!.expr,
      /^keel:slo_requests:rate5m\{slo="ingest-floor"\} < 50\nand on\(\) \(sum\(increase\(.*\[3d\]\)\) >= 100\)$/,
    );
  });

  it('no alerts when alerting is off; the extra selector goes into every selector', () => {
    const off = slo({ name: 'quiet', kind: 'availability' });
    off.alerting.enabled = false;
    assert.equal(rules(off).alerting.length, 0);
    const [g] = ruleGroups([checkout], { selector: 'job="keel"' });
    for (const r of g!.rules) {
      for (const m of r.expr.matchAll(/http_server_request_duration_seconds_\w+\{([^}]*)\}/g)) {
        assert.match(m[1]!, /^job="keel",/);
      }
    }
  });

  it('renders YAML that reads back to the same groups', () => {
    const text = rulesYaml([checkout, fast, floor]);
    assert.match(text, /^# Generated by `keel slo rules`/);
    assert.deepEqual(parse(text), {
      groups: JSON.parse(JSON.stringify(ruleGroups([checkout, fast, floor]))),
    });
  });
});
