/**
 * The pool's judgement as a whole, on generated traffic (docs/health.md, "Judged against its
 * peers"): when every host fails the same requests alike — an endpoint broken everywhere, one that
 * hangs everywhere, bad input that fails a share of one endpoint's requests on any host — no host
 * is ejected and no host breaker opens, whatever the pool size, the mix and the retries. And a host
 * that fails what its peers serve is taken out, within the cap.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_ENDPOINT_BREAKER } from '../../config/defaults.js';
import type { TryOutcome } from '../contracts.js';
import { harness, poolConfig } from './pool.test-util.js';
import type { UpstreamHost } from './types.js';

type Kind = 'ok' | 'broken' | 'hangs' | 'bad_input' | 'gateway';

/** What an endpoint answers to request `i`, on any host: the same on every host. */
function answer(kind: Kind, share: number, i: number): TryOutcome {
  switch (kind) {
    case 'ok':
      return { kind: 'response', status: 200, latencyMs: 5 };
    case 'broken':
      return { kind: 'response', status: 500, latencyMs: 3 };
    case 'gateway': // the application's own proxy answers for a dead page, on every host
      return { kind: 'response', status: 502, latencyMs: 3 };
    case 'hangs':
      return { kind: 'error', error: 'timeout', latencyMs: 15_000 };
    case 'bad_input': {
      // The same request (the same input) fails on every host: a hash of its number.
      const bad = ((Math.imul(i + 1, 0x9e3779b1) >>> 0) % 1000) / 1000 < share;
      return bad
        ? { kind: 'response', status: 500, latencyMs: 4 }
        : { kind: 'response', status: 200, latencyMs: 5 };
    }
  }
}

const workload = fc.record({
  hosts: fc.integer({ min: 1, max: 5 }),
  algorithm: fc.constantFrom('round_robin', 'p2c_ewma', 'least_conn' as const),
  endpoints: fc.array(
    fc.record({
      kind: fc.constantFrom<Kind>('ok', 'broken', 'hangs', 'bad_input', 'gateway'),
      share: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
      weight: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  requests: fc.integer({ min: 50, max: 400 }),
  attempts: fc.integer({ min: 1, max: 3 }),
  gapMs: fc.integer({ min: 1, max: 400 }),
});

test('hosts that fail the same requests alike: no ejection, no host breaker opens', () => {
  fc.assert(
    fc.property(workload, fc.nat(), (w, seed) => {
      const h = harness(
        poolConfig({
          hostCount: w.hosts,
          balancer: { algorithm: w.algorithm, hash_key: null },
          breaker: { enabled: true },
        }),
      );
      try {
        const table = h.pool.endpoints('r', '/', DEFAULT_ENDPOINT_BREAKER);
        const eps = w.endpoints.map((e, k) => ({ ...e, ep: table.lookup('GET', `/e${k}/x`) }));
        const total = eps.reduce((n, e) => n + e.weight, 0);
        let rng = seed >>> 0;
        const next = () => {
          rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
          return rng / 2 ** 32;
        };
        for (let i = 0; i < w.requests; i++) {
          h.scheduler.advance(1 + Math.floor(next() * w.gapMs));
          let r = next() * total;
          let e = eps[0]!;
          for (const x of eps) {
            r -= x.weight;
            e = x;
            if (r < 0) break;
          }
          const now = h.clock.now();
          if (!e.ep.closed && !e.ep.admit(now)) continue; // refused by the endpoint breaker
          const tried = new Set<string>();
          for (let a = 0; a < w.attempts; a++) {
            const host: UpstreamHost | undefined = h.pool.pick({ key: undefined, exclude: tried });
            if (host === undefined || !h.pool.tryStart(host)) break;
            tried.add(host.id);
            const o = answer(e.kind, e.share, i);
            h.pool.tryEnd(host, o, h.clock.now(), e.ep);
            if (o.kind === 'response' && o.status < 500) break;
          }
        }
        assert.deepEqual(h.of('host.ejected'), [], 'no host is ejected');
        assert.deepEqual(
          h.of('breaker.transition').filter((t) => t.to === 'open'),
          [],
          'no host breaker opens',
        );
      } finally {
        void h.pool.close();
      }
    }),
    { numRuns: 120 },
  );
});

test('a host that fails what its peers serve is ejected, within the cap; its peers are not', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 6 }),
      fc.constantFrom<TryOutcome>(
        { kind: 'response', status: 500, latencyMs: 3 },
        { kind: 'response', status: 503, latencyMs: 3 },
        { kind: 'error', error: 'timeout', latencyMs: 15_000 },
        { kind: 'error', error: 'reset', latencyMs: 2 },
      ),
      (n, bad) => {
        const h = harness(poolConfig({ hostCount: n, breaker: { enabled: true } }));
        try {
          const table = h.pool.endpoints('r', '/', DEFAULT_ENDPOINT_BREAKER);
          const eps = [0, 1, 2].map((k) => table.lookup('GET', `/e${k}`));
          const sick = h.pool.hosts[0]!;
          for (let i = 0; i < 100 * n; i++) {
            h.scheduler.advance(10);
            const ep = eps[i % 3]!;
            const tried = new Set<string>();
            for (let a = 0; a < 3; a++) {
              const host = h.pool.pick({ key: undefined, exclude: tried });
              if (host === undefined || !h.pool.tryStart(host)) break;
              tried.add(host.id);
              const o: TryOutcome = host === sick ? bad : { kind: 'response', status: 200, latencyMs: 5 };
              h.pool.tryEnd(host, o, h.clock.now(), ep);
              if (o.kind === 'response' && o.status < 500) break;
            }
          }
          const out = new Set([
            ...h.of('host.ejected').map((e) => e.host),
            ...h
              .of('breaker.transition')
              .filter((t) => t.to === 'open')
              .map((t) => t.host),
          ]);
          assert.deepEqual([...out], [sick.name], `out of service: ${[...out].join(', ')}`);
          // No endpoint is blamed for one host's fault.
          assert.deepEqual(
            h.pool.view().endpoints.filter((e) => e.state !== 'closed'),
            [],
          );
        } finally {
          void h.pool.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});
