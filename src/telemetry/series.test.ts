import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus, type RequestDoneEvent } from '../core/events.js';
import { mergeSeriesRaw, SeriesRecorder, seriesResponse, subscribeSeries } from './series.js';

const T0 = 1_700_000_000_000; // a multiple of the 2 s step

test('steps: requests land in their 2 s step; the step in progress is not reported', () => {
  const rec = new SeriesRecorder(2000, 1);
  rec.record('api', 'web', T0 + 100, 200, 3); // step 0
  rec.record('api', 'web', T0 + 1900, 503, 3); // step 0
  rec.record('api', 'web', T0 + 2100, 200, 3); // step 1
  rec.record('api', 'web', T0 + 4100, 200, 3); // step 2: in progress at T0 + 4500
  const r = seriesResponse(rec.raw(T0 + 4500, 1));
  assert.equal(r.step_seconds, 2);
  assert.equal(r.timestamps.length, 30);
  assert.equal(r.timestamps.at(-1), (T0 + 2000) / 1000);
  assert.equal(r.timestamps.at(-2), T0 / 1000);
  const api = r.routes.api!;
  assert.deepEqual(api.rps.slice(-2), [1, 0.5]);
  assert.deepEqual(api.error_rate.slice(-2), [0.5, 0]);
  assert.equal(api.error_rate[0], null); // no request: a gap, not 0
  assert.deepEqual(r.pools.web!.rps.slice(-2), [1, 0.5]);
});

test('percentiles come from the fixed buckets (upper bounds) for known inputs', () => {
  const rec = new SeriesRecorder(2000, 1);
  // 100 requests: 1..100 ms. Bucket bounds 5,10,25,50,75,100,...
  for (let ms = 1; ms <= 100; ms++) rec.record('r', 'p', T0, 200, ms);
  const r = seriesResponse(rec.raw(T0 + 2000, 1)).routes.r!;
  assert.equal(r.p50_ms.at(-1), 50); // rank 50 falls in (25, 50]
  assert.equal(r.p95_ms.at(-1), 100); // rank 95 in (75, 100]
  assert.equal(r.p99_ms.at(-1), 100);
  assert.equal(r.rps.at(-1), 50);
});

test('a slot reused after a ring wrap starts from zero', () => {
  const rec = new SeriesRecorder(2000, 1); // 31 slots
  rec.record('r', 'p', T0, 200, 1);
  const later = T0 + 31 * 2000; // same slot, another step
  rec.record('r', 'p', later, 200, 1);
  const r = seriesResponse(rec.raw(later + 2000, 1)).routes.r!;
  assert.equal(r.rps.at(-1), 0.5);
  assert.equal(
    r.rps.reduce((a, b) => a + b, 0),
    0.5,
  );
});

test('minutes are clamped to the recorder size and at least one step', () => {
  const rec = new SeriesRecorder(2000, 2);
  assert.equal(rec.raw(T0, 99).count, 60);
  assert.equal(rec.raw(T0, 0).count, 1);
});

test('merge sums workers bucket by bucket, aligned by step', () => {
  const a = new SeriesRecorder(2000, 1);
  const b = new SeriesRecorder(2000, 1);
  a.record('r', 'p', T0, 200, 1);
  b.record('r', 'p', T0, 500, 1);
  b.record('only-b', 'p', T0 - 2000, 200, 1);
  const now = T0 + 2000;
  const merged = seriesResponse(mergeSeriesRaw(a.raw(now, 1), [b.raw(now + 2000, 1)]));
  assert.equal(merged.routes.r!.rps.at(-1), 1);
  assert.equal(merged.routes.r!.error_rate.at(-1), 0.5);
  assert.equal(merged.routes['only-b']!.rps.at(-2), 0.5);
  assert.equal(merged.pools.p!.rps.at(-1), 1);
});

test('subscribeSeries records request.done, skipping unmatched requests', () => {
  const bus = new EventBus();
  const rec = new SeriesRecorder(2000, 1);
  const off = subscribeSeries(bus, rec);
  const e = { route: 'r', pool: 'p', at: T0, status: 200, durationMs: 1 } as RequestDoneEvent;
  bus.channel('request.done').publish(e);
  bus.channel('request.done').publish({ ...e, route: '', pool: '' });
  off();
  const r = seriesResponse(rec.raw(T0 + 2000, 1));
  assert.deepEqual(Object.keys(r.routes), ['r']);
  assert.equal(r.routes.r!.rps.at(-1), 0.5);
});
