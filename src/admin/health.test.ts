import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HealthStatus } from './api-types.js';
import { deriveReadiness, httpStatus, type ReadinessInput, worst } from './health.js';

const base: ReadinessInput = {
  version: '0.1.0',
  releaseId: 'cfg-abc',
  configLoaded: true,
  draining: false,
  pools: [
    { name: 'web', available: 3, total: 3, optional: false },
    { name: 'recs', available: 2, total: 2, optional: true },
  ],
  now: Date.UTC(2026, 0, 2, 3, 4, 5),
};

describe('deriveReadiness', () => {
  it('all pools up: pass, with the draft fields and one check per pool', () => {
    const r = deriveReadiness(base);
    assert.equal(r.status, 'pass');
    assert.equal(r.version, '0.1.0');
    assert.equal(r.releaseId, 'cfg-abc');
    assert.deepEqual(Object.keys(r.checks).sort(), [
      'config:loaded',
      'gateway:draining',
      'pool:recs',
      'pool:web',
    ]);
    assert.deepEqual(r.checks['pool:web'], [
      {
        componentType: 'pool',
        status: 'pass',
        observedValue: 3,
        observedUnit: 'hosts',
        time: '2026-01-02T03:04:05.000Z',
        output: '3/3 hosts available',
      },
    ]);
    assert.equal(httpStatus(r.status), 200);
  });

  it('a required pool with no available host fails (503)', () => {
    const r = deriveReadiness({ ...base, pools: [{ name: 'web', available: 0, total: 3, optional: false }] });
    assert.equal(r.status, 'fail');
    assert.equal(r.checks['pool:web']?.[0]?.status, 'fail');
    assert.equal(r.checks['pool:web']?.[0]?.output, '0/3 hosts available');
    assert.equal(httpStatus(r.status), 503);
  });

  it('an optional pool with no available host warns (200)', () => {
    const r = deriveReadiness({
      ...base,
      pools: [
        { name: 'web', available: 1, total: 3, optional: false },
        { name: 'recs', available: 0, total: 2, optional: true },
      ],
    });
    assert.equal(r.status, 'warn');
    assert.equal(r.checks['pool:recs']?.[0]?.status, 'warn');
    assert.equal(r.checks['pool:web']?.[0]?.status, 'pass');
    assert.equal(httpStatus(r.status), 200);
  });

  it('draining or no config fails, whatever the pools say', () => {
    const d = deriveReadiness({ ...base, draining: true });
    assert.equal(d.status, 'fail');
    assert.equal(d.checks['gateway:draining']?.[0]?.observedValue, true);
    const c = deriveReadiness({ ...base, configLoaded: false });
    assert.equal(c.status, 'fail');
    assert.equal(c.checks['config:loaded']?.[0]?.status, 'fail');
  });

  it('property: status is the worst check, and fail iff draining, unloaded or a required pool is empty', () => {
    const pool = fc.record({
      name: fc.string({ minLength: 1, maxLength: 5 }),
      available: fc.nat(3),
      total: fc.constant(3),
      optional: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.uniqueArray(pool, { selector: (p) => p.name }),
        (dr, cl, pools) => {
          const r = deriveReadiness({ ...base, draining: dr, configLoaded: cl, pools });
          const failing = dr || !cl || pools.some((p) => p.available === 0 && !p.optional);
          const warning = pools.some((p) => p.available === 0 && p.optional);
          const expected: HealthStatus = failing ? 'fail' : warning ? 'warn' : 'pass';
          assert.equal(r.status, expected);
          const all = Object.values(r.checks).flat();
          assert.equal(all.map((c) => c.status).reduce(worst, 'pass'), r.status);
        },
      ),
    );
  });
});
