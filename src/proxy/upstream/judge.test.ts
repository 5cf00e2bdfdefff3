import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TryOutcome } from '../contracts.js';
import {
  EP_FAIL,
  EP_NONE,
  EP_OK,
  endpointVerdict,
  isConnectionFailure,
  isLatencySample,
  outlierClass,
} from './classify.js';
import {
  endpointBreaks,
  explainedByEndpoint,
  failingHosts,
  outAllowed,
  relativeOutlier,
  servedByPeer,
} from './judge.js';

const NEVER = Number.NEGATIVE_INFINITY;
const RULE = { excess: 0.5, min_requests: 20 };
const EP_RULE = { failure_rate_threshold: 0.95, minimum_requests: 20, min_hosts: 2 };

const outcome: fc.Arbitrary<TryOutcome> = fc.oneof(
  fc.record({
    kind: fc.constant('response' as const),
    status: fc.integer({ min: 200, max: 599 }),
    latencyMs: fc.nat(5000),
  }),
  fc.record({
    kind: fc.constant('error' as const),
    error: fc.constantFrom(
      'connect',
      'reset',
      'timeout',
      'idle',
      'aborted',
      'breaker_open',
      'other' as const,
    ),
    latencyMs: fc.nat(5000),
  }),
);

test('classifier: every outcome is host evidence, endpoint evidence, or neither — never both', () => {
  fc.assert(
    fc.property(outcome, (o) => {
      const conn = isConnectionFailure(o);
      const ep = endpointVerdict(o);
      // A connection failure never reached the endpoint; an endpoint's answer is never the
      // connection's fault.
      if (conn) assert.equal(ep, EP_NONE);
      if (ep === EP_FAIL) assert.equal(conn, false);
      // Every 5xx, whichever (502/503/504 included), and every timeout is endpoint evidence.
      if (o.kind === 'response') assert.equal(ep, o.status >= 500 ? EP_FAIL : EP_OK);
      else if (o.error === 'timeout' || o.error === 'idle') assert.equal(ep, EP_FAIL);
      // A refused connect is never a latency sample (it would make a dead host look fast).
      if (o.kind === 'error' && o.error === 'connect') assert.equal(isLatencySample(o), false);
      // Aborted and refused tries say nothing to the outlier detector.
      if (o.kind === 'error' && (o.error === 'aborted' || o.error === 'breaker_open')) {
        assert.equal(outlierClass(o), 'neutral');
      }
    }),
  );
});

test('relative outlier: alike hosts never, a host far worse than its peers always', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, f) => {
      const failures = Math.min(n, f);
      // The same share on the host and on its peers: never an outlier, whatever the share.
      assert.equal(relativeOutlier(n, failures, 2 * n, 2 * failures, RULE), false);
    }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 20, max: 500 }),
      fc.integer({ min: 20, max: 500 }),
      fc.double({ min: 0, max: 0.45, noNaN: true }),
      (n, peers, peerShare) => {
        const pf = Math.floor(peers * peerShare);
        // Failing everything while the peers fail under half: an outlier.
        assert.equal(relativeOutlier(n, n, peers, pf, RULE), true);
      },
    ),
  );
  assert.equal(relativeOutlier(19, 19, 100, 0, RULE), false, 'too few tries on the host');
  assert.equal(relativeOutlier(100, 100, 19, 0, RULE), false, 'too few tries on the peers');
  assert.equal(relativeOutlier(20, 10, 40, 0, RULE), true, 'half failed, peers none: 0.5 above');
  assert.equal(relativeOutlier(20, 9, 40, 0, RULE), false, '45 % is not enough');
  assert.equal(relativeOutlier(20, 20, 40, 20, RULE), true, '100 % against 50 %');
});

test('explained by the endpoint: only when every peer that answered it lately failed it', () => {
  const at = (xs: number[]) => Float64Array.from(xs);
  const failed = (xs: number[]) => Uint8Array.from(xs);
  // Nobody else answered it: the host cannot be compared, so the failure is its own.
  assert.equal(explainedByEndpoint(0, at([10, NEVER, NEVER]), failed([1, 0, 0]), 0), false);
  // Both peers failed it lately: the endpoint's fault.
  assert.equal(explainedByEndpoint(0, at([NEVER, 5, 6]), failed([0, 1, 1]), 0), true);
  // One peer served it: the host is worse than its peers.
  assert.equal(explainedByEndpoint(0, at([NEVER, 5, 6]), failed([0, 1, 0]), 0), false);
  // A peer's failure older than the window does not count.
  assert.equal(explainedByEndpoint(0, at([NEVER, -5, NEVER]), failed([0, 1, 0]), 0), false);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -100, max: 100 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
      fc.nat(7),
      (hosts, pick) => {
        const host = pick % hosts.length;
        const lastAt = at(hosts.map(([t]) => t));
        const lastFailed = failed(hosts.map(([, f]) => (f ? 1 : 0)));
        const peers = hosts.filter((_, i) => i !== host && hosts[i]![0] >= 0);
        const expected = peers.length > 0 && peers.every(([, f]) => f);
        assert.equal(explainedByEndpoint(host, lastAt, lastFailed, 0), expected);
        // The host's own answers never explain its failure.
        const own = Float64Array.from(lastAt);
        own[host] = 50;
        assert.equal(explainedByEndpoint(host, own, lastFailed, 0), expected);
      },
    ),
  );
});

test('served by a peer: a failure counts against its host only when a peer served the endpoint lately', () => {
  const at = (xs: number[]) => Float64Array.from(xs);
  const failed = (xs: number[]) => Uint8Array.from(xs);
  assert.equal(
    servedByPeer(0, at([10, NEVER]), failed([1, 0]), 0),
    false,
    'no peer answered it: no judgement',
  );
  assert.equal(servedByPeer(0, at([10, 5]), failed([1, 1]), 0), false, 'the peer failed it too');
  assert.equal(servedByPeer(0, at([10, 5]), failed([1, 0]), 0), true);
  assert.equal(servedByPeer(0, at([10, -5]), failed([1, 0]), 0), false, 'too long ago');
  assert.equal(servedByPeer(0, at([10]), failed([1]), 0), false, 'a single-host pool has no peer');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -100, max: 100 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
      fc.nat(7),
      (hosts, pick) => {
        const host = pick % hosts.length;
        const lastAt = at(hosts.map(([t]) => t));
        const lastFailed = failed(hosts.map(([, f]) => (f ? 1 : 0)));
        const served = servedByPeer(host, lastAt, lastFailed, 0);
        // Judged against the host and "another host would fail too" never both hold.
        if (served) assert.equal(explainedByEndpoint(host, lastAt, lastFailed, 0), false);
      },
    ),
  );
});

test('an endpoint breaks on strong evidence only: >= 95 % of >= 20 tries, on >= 2 hosts (or all of a smaller pool)', () => {
  assert.equal(endpointBreaks(20, 19, 3, 3, EP_RULE), true);
  assert.equal(endpointBreaks(19, 19, 3, 3, EP_RULE), false, 'too few tries');
  assert.equal(endpointBreaks(100, 90, 3, 3, EP_RULE), false, '90 % is not enough');
  assert.equal(endpointBreaks(100, 100, 1, 3, EP_RULE), false, 'one failing host of three is a host fault');
  assert.equal(endpointBreaks(100, 100, 1, 1, EP_RULE), true, 'the only host of a pool');
  assert.equal(endpointBreaks(100, 30, 3, 3, EP_RULE), false, 'bad input failing 30 %');
  fc.assert(
    fc.property(
      fc.nat(1000),
      fc.nat(1000),
      fc.nat(10),
      fc.integer({ min: 1, max: 10 }),
      (n, f, failing, pool) => {
        const failures = Math.min(n, f);
        if (endpointBreaks(n, failures, failing, pool, EP_RULE)) {
          assert.ok(n >= 20 && failures >= 0.95 * n && failing >= Math.min(2, pool));
        }
      },
    ),
  );
});

test('failing hosts: those whose latest answer in the window failed', () => {
  const lastAt = Float64Array.from([5, 5, -5, NEVER]);
  assert.equal(failingHosts(lastAt, Uint8Array.from([1, 0, 1, 1]), 0), 1);
  assert.equal(failingHosts(lastAt, Uint8Array.from([1, 1, 1, 0]), 0), 2);
});

test('no blackout: 5xx-type evidence never takes more than the cap out, and a breaker never the last host', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100 }), (n, pct) => {
      const ejection = outAllowed(n, pct, false);
      const breaker = outAllowed(n, pct, true);
      assert.ok(ejection >= 1, 'one host may always be ejected (panic routes to it anyway)');
      assert.ok(ejection <= Math.max(1, (n * pct) / 100));
      assert.ok(breaker <= n - 1, 'a breaker never takes the last host');
      assert.ok(breaker <= ejection);
    }),
  );
  assert.equal(outAllowed(1, 50, true), 0, 'a single-host pool: never on 5xx-type evidence');
  assert.equal(outAllowed(2, 50, true), 1);
  assert.equal(outAllowed(3, 50, false), 1);
});
