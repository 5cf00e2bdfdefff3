import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../core/clock.js';
import { breakerClassifier, isLatencySample, outlierClass } from './classify.js';
import { hostId } from './host.js';
import { medianInto } from './median.js';
import { slowStartFactor } from './slow-start.js';
import { ManualScheduler } from './timers.js';

test('slow start ramps linearly from 10% to 100%', () => {
  assert.equal(slowStartFactor(Number.NEGATIVE_INFINITY, 5, 1000), 1);
  assert.equal(slowStartFactor(0, 0, 1000), 0.1);
  assert.ok(Math.abs(slowStartFactor(0, 500, 1000) - 0.55) < 1e-12);
  assert.equal(slowStartFactor(0, 1000, 1000), 1);
  assert.equal(slowStartFactor(0, 0, 0), 1, 'slow_start 0 = off');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (a, b) => {
      const [x, y] = a <= b ? [a, b] : [b, a];
      const fx = slowStartFactor(0, x, 5000);
      const fy = slowStartFactor(0, y, 5000);
      return fx >= 0.1 && fy <= 1 && fx <= fy;
    }),
  );
});

test('median of the first n values', () => {
  const buf = new Float64Array(5);
  buf.set([5, 1, 4, 2, 3]);
  assert.equal(medianInto(buf, 5), 3);
  buf.set([9, 1, 4, 2]);
  assert.equal(medianInto(buf, 4), 3);
  assert.equal(medianInto(buf, 0), 0);
});

test('breaker classification follows failure_on', () => {
  const all = breakerClassifier({ server_errors: true, timeouts: true, resets: true, statuses: [429] });
  const none = breakerClassifier({ server_errors: false, timeouts: false, resets: false, statuses: [] });
  const r = (status: number) => ({ kind: 'response' as const, status, latencyMs: 1 });
  const e = (error: 'connect' | 'reset' | 'timeout' | 'idle' | 'aborted' | 'other') => ({
    kind: 'error' as const,
    error,
    latencyMs: 1,
  });
  assert.equal(all(r(503)), 'failure');
  assert.equal(all(r(429)), 'failure');
  assert.equal(all(r(404)), 'success');
  for (const k of ['connect', 'reset', 'timeout', 'idle'] as const) {
    assert.equal(all(e(k)), 'failure');
    assert.equal(none(e(k)), 'success');
  }
  assert.equal(none(r(500)), 'success');
  assert.equal(all(e('aborted')), 'ignored');
  assert.equal(all(e('other')), 'success');
  assert.equal(outlierClass(r(500)), 'server_error');
  assert.equal(outlierClass(r(499)), 'ok');
  assert.equal(outlierClass(e('idle')), 'gateway_failure');
  assert.equal(outlierClass(e('aborted')), 'neutral');
  assert.equal(isLatencySample(e('connect')), false, 'a refused connect must not look fast');
  assert.equal(isLatencySample(e('timeout')), true);
});

test('host ids name host and port explicitly', () => {
  assert.equal(hostId('http://127.0.0.1:8081'), '127.0.0.1:8081');
  assert.equal(hostId('http://app.internal'), 'app.internal:80');
  assert.equal(hostId('https://app.internal/'), 'app.internal:443');
});

test('ManualScheduler runs due tasks in time order as the clock advances', () => {
  const clock = new ManualClock(0);
  const s = new ManualScheduler(clock);
  const seen: string[] = [];
  s.after(30, () => seen.push(`c@${clock.now()}`));
  s.after(10, () => {
    seen.push(`a@${clock.now()}`);
    s.after(5, () => seen.push(`b@${clock.now()}`));
  });
  const cancel = s.after(20, () => seen.push('cancelled'));
  cancel();
  s.advance(25);
  assert.deepEqual(seen, ['a@10', 'b@15']);
  assert.equal(clock.now(), 25);
  s.advance(5);
  assert.deepEqual(seen, ['a@10', 'b@15', 'c@30']);
  assert.equal(s.pending, 0);
});
