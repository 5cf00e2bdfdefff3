/** Shared builders for the SLO engine tests (and a check that they build what the config does). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SloConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import type { RequestDoneEvent } from '../core/events.js';

export const ROUTES = ['api', 'auth'];

/** An SLO resolved by the real config pipeline, so tests see the real defaults and tiers. */
export function sloOf(input: Record<string, unknown>): SloConfig {
  const r = validateConfig(
    {
      pools: { web: { hosts: ['http://127.0.0.1:8081'] } },
      routes: ROUTES.map((name) => ({ name, pool: 'web', match: { path_prefix: `/${name}` } })),
      slos: [
        {
          name: 'slo',
          kind: 'availability',
          objective: 99.9,
          alerting: { runbook_url: 'https://rb.example/x' },
          ...input,
        },
      ],
    },
    {},
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config.slos[0]!;
}

export function done(over: Partial<RequestDoneEvent> = {}): RequestDoneEvent {
  return {
    requestId: 'r',
    route: 'api',
    pool: 'web',
    method: 'GET',
    path: '/api',
    status: 200,
    durationMs: 10,
    tries: 1,
    host: 'h',
    errorCode: '',
    cache: '',
    shed: false,
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceFlags: 0,
    startedAt: 0,
    at: 0,
    ...over,
  };
}

test('the fixture builds a resolved SLO with the default tiers', () => {
  assert.deepEqual(
    sloOf({}).alerting.tiers.map((t) => t.burn_rate),
    [14.4, 6, 1],
  );
});
