import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_ENDPOINT_BREAKER } from '../../config/defaults.js';
import type { EndpointBreakerConfig } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { type EndpointTransitionEvent, EventBus } from '../../core/events.js';
import { endpointHash, endpointLabel, isIdSegment, segmentsFrom } from './endpoint-key.js';
import { EndpointTable, OVERFLOW_LABEL } from './endpoints.js';

function table(hosts = 3, over: Partial<EndpointBreakerConfig> = {}, prefix = '/') {
  const clock = new ManualClock(1_000_000);
  const bus = new EventBus();
  const events: EndpointTransitionEvent[] = [];
  bus.on('endpoint.transition', (e) => events.push(e));
  const t = new EndpointTable(
    'app',
    prefix,
    { ...DEFAULT_ENDPOINT_BREAKER, ...over },
    { pool: 'web', hosts, clock, bus },
  );
  return { t, clock, events };
}

const fail = { kind: 'response', status: 500, latencyMs: 1 } as const;
const ok = { kind: 'response', status: 200, latencyMs: 1 } as const;

describe('endpoint keys', () => {
  it('method + the first segments below the prefix, ids collapsed, the query ignored', () => {
    const label = (m: string, p: string, prefix = '/', n = 2) => endpointLabel(m, p, segmentsFrom(prefix), n);
    assert.equal(label('GET', '/broken'), 'GET /broken');
    assert.equal(label('GET', '/users/42/orders/7'), 'GET /users/{id}');
    assert.equal(label('GET', '/users/42/orders/7', '/', 4), 'GET /users/{id}/orders/{id}');
    assert.equal(label('GET', '/files/3f2a9c1e-77aa-4c1e-9d7f-0a1b2c3d4e5f'), 'GET /files/{id}');
    assert.equal(label('GET', '/a/b?x=1'), 'GET /a/b');
    assert.equal(label('GET', '/'), 'GET /');
    assert.equal(label('GET', '/?q=1'), 'GET /');
    assert.equal(label('POST', '/api/v1/users/9', '/api'), 'POST /api/v1/users');
    assert.equal(label('GET', '/api', '/api'), 'GET /api');
    assert.equal(label('GET', '//double//slash'), 'GET /double/slash');
    assert.equal(label('GET', '/anything', '/', 0), 'GET /');
  });

  it('ids: digits, hex of 8+ with a digit, long tokens with a digit; words are kept', () => {
    const id = (s: string) => isIdSegment(s, 0, s.length);
    for (const s of ['42', '2026-01-01', '3f2a9c1e', 'a1b2c3d4e5f6', 'AbCdEfGh1234IjKlMnOp_-'])
      assert.ok(id(s), s);
    for (const s of ['users', 'v1', 'deadbeef', 'app.css', 'a1', 'search', '']) assert.ok(!id(s), s);
  });

  it('equal keys hash equal, and different keys (almost surely) differently', () => {
    const seg = fc.oneof(
      fc.constantFrom('users', 'orders', 'v1', 'broken', 'search', 'a'),
      fc.nat().map(String),
      fc.uuid(),
    );
    const path = fc.array(seg, { maxLength: 4 }).map((xs) => `/${xs.join('/')}`);
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST'),
        path,
        fc.constantFrom('GET', 'POST'),
        path,
        (m1, p1, m2, p2) => {
          const same = endpointLabel(m1, p1, 0, 2) === endpointLabel(m2, p2, 0, 2);
          assert.equal(
            endpointHash(m1, p1, 0, 2) === endpointHash(m2, p2, 0, 2),
            same,
            `${m1} ${p1} / ${m2} ${p2}`,
          );
          assert.ok(Number.isSafeInteger(endpointHash(m1, p1, 0, 2)));
        },
      ),
    );
  });
});

describe('endpoint breaker', () => {
  it('opens when an endpoint fails on every host; its neighbours are untouched', () => {
    const { t, clock, events } = table();
    const broken = t.lookup('GET', '/broken');
    const fine = t.lookup('GET', '/fine');
    assert.equal(t.lookup('GET', '/broken?x=2'), broken, 'one endpoint, whatever the query');
    for (let i = 0; i < 19; i++) broken.report(i % 3, fail, clock.now());
    assert.equal(broken.closed, true, 'not before minimum_requests');
    broken.report(0, fail, clock.now());
    assert.equal(broken.closed, false);
    assert.equal(fine.closed, true);
    assert.deepEqual(events, [
      {
        pool: 'web',
        route: 'app',
        endpoint: 'GET /broken',
        from: 'closed',
        to: 'open',
        reason: '100% of 20 tries failed, on 3 hosts',
        failingHosts: 3,
        at: clock.now(),
      },
    ]);
    assert.equal(broken.admit(clock.now()), false);
    assert.equal(broken.retryAfterMs(clock.now()), 5000);
    const [v] = t.views();
    assert.equal(v?.endpoint, 'GET /broken');
    assert.equal(v?.state, 'open');
  });

  it('half-open lets one probe through; a good probe closes it, a bad one doubles the open time', () => {
    const { t, clock, events } = table();
    const ep = t.lookup('GET', '/broken');
    for (let i = 0; i < 20; i++) ep.report(i % 3, fail, clock.now());
    clock.advance(5000);
    assert.equal(ep.admit(clock.now()), true, 'the probe');
    assert.equal(ep.admit(clock.now()), false, 'one probe at a time');
    ep.report(1, fail, clock.now());
    assert.equal(ep.retryAfterMs(clock.now()), 10_000, 'doubled');
    clock.advance(10_000);
    assert.equal(ep.admit(clock.now()), true);
    ep.report(0, { kind: 'error', error: 'connect', latencyMs: 1 }, clock.now());
    assert.equal(ep.admit(clock.now()), true, 'a probe that never reached a host gives its slot back');
    ep.report(2, ok, clock.now());
    assert.equal(ep.closed, true);
    assert.deepEqual(
      events.map((e) => `${e.from}>${e.to}`),
      ['closed>open', 'open>half_open', 'half_open>open', 'open>half_open', 'half_open>closed'],
    );
  });

  it('needs strong evidence: 30 % bad input, 90 % failures, or one failing host of three break nothing', () => {
    const { t, clock } = table();
    const search = t.lookup('GET', '/search');
    const flaky = t.lookup('GET', '/flaky');
    const oneHost = t.lookup('GET', '/one');
    for (let i = 0; i < 300; i++) {
      clock.advance(10);
      search.report(i % 3, i % 10 < 3 ? fail : ok, clock.now());
      flaky.report(i % 3, i % 10 < 9 ? fail : ok, clock.now());
      oneHost.report(0, fail, clock.now());
    }
    assert.equal(search.closed && flaky.closed && oneHost.closed, true);
  });

  it('a single-host pool: the endpoint breaks on its one host', () => {
    const { t, clock } = table(1);
    const ep = t.lookup('GET', '/broken');
    for (let i = 0; i < 20; i++) ep.report(0, fail, clock.now());
    assert.equal(ep.closed, false);
  });

  it('timeouts count against the endpoint; connection failures do not', () => {
    const { t, clock } = table();
    const hang = t.lookup('GET', '/report');
    const dead = t.lookup('GET', '/dead');
    for (let i = 0; i < 40; i++) {
      hang.report(i % 3, { kind: 'error', error: 'timeout', latencyMs: 15_000 }, clock.now());
      dead.report(i % 3, { kind: 'error', error: 'connect', latencyMs: 1 }, clock.now());
    }
    assert.equal(hang.closed, false);
    assert.equal(dead.closed, true);
  });
});

describe('endpoint table bounds', () => {
  it('at most max_endpoints; the rest share the overflow endpoint; idle ones are reclaimed', () => {
    const { t, clock } = table(3, { max_endpoints: 3 });
    const a = t.lookup('GET', '/a');
    t.lookup('GET', '/b');
    t.lookup('GET', '/c');
    assert.equal(t.lookup('GET', '/d'), t.overflow);
    assert.equal(t.overflow.label, OVERFLOW_LABEL);
    assert.equal(t.size, 3);
    a.report(0, ok, clock.now());
    clock.advance(2 * DEFAULT_ENDPOINT_BREAKER.window + 1000); // /a, /b and /c idle for two windows
    const d = t.lookup('GET', '/d');
    assert.notEqual(d, t.overflow, 'an idle endpoint gave its slot');
    assert.equal(t.size, 3);
    assert.equal(t.lookup('GET', '/d'), d);
  });

  it('an open endpoint keeps its slot however long it is idle', () => {
    const { t, clock } = table(3, { max_endpoints: 1 });
    const a = t.lookup('GET', '/a');
    for (let i = 0; i < 20; i++) a.report(i % 3, fail, clock.now());
    clock.advance(60_000);
    assert.equal(t.lookup('GET', '/b'), t.overflow, 'an OPEN endpoint is never reclaimed');
    assert.equal(t.lookup('GET', '/a'), a);
  });
});
