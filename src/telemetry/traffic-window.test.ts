import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus, type RequestDoneEvent } from '../core/events.js';
import { histogramQuantile, LATENCY_BOUNDS_MS, subscribeTraffic, TrafficWindow } from './traffic-window.js';

test('TrafficWindow: counts, 5xx and the histogram over the window; old seconds drop out', () => {
  const w = new TrafficWindow(60);
  const t0 = 1_000_000_000;
  w.record(t0, 200, 3); // <= 5
  w.record(t0 + 10, 503, 120); // <= 150
  w.record(t0 + 1500, 500, 60_000); // +Inf
  w.record(t0 + 1500, 0, 4); // client gone: not a 5xx
  const s = w.snapshot(t0 + 2000);
  assert.equal(s.requests, 4);
  assert.equal(s.errors_5xx, 2);
  assert.equal(s.counts.length, LATENCY_BOUNDS_MS.length + 1);
  assert.equal(s.counts[0], 2);
  assert.equal(s.counts[LATENCY_BOUNDS_MS.indexOf(150)], 1);
  assert.equal(s.counts.at(-1), 1);
  assert.equal(w.snapshot(t0 + 60_500).requests, 2); // the first second left the window
  assert.equal(w.snapshot(t0 + 62_000).requests, 0);
  // A slot reused for a new second starts from zero.
  w.record(t0 + 60_000, 200, 1);
  assert.equal(w.snapshot(t0 + 60_000).requests, 3);
});

test('subscribeTraffic: request.done feeds the window', () => {
  const bus = new EventBus();
  const w = new TrafficWindow(60);
  const off = subscribeTraffic(bus, w);
  bus.channel('request.done').publish({ at: 5000, status: 502, durationMs: 7 } as RequestDoneEvent);
  off();
  bus.channel('request.done').publish({ at: 5000, status: 200, durationMs: 7 } as RequestDoneEvent);
  const s = w.snapshot(5000);
  assert.deepEqual([s.requests, s.errors_5xx], [1, 1]);
});

test('histogramQuantile: the upper bound of the bucket holding the rank', () => {
  assert.equal(histogramQuantile(0.95, [10, 20], [0, 0, 0]), null);
  assert.equal(histogramQuantile(0.95, [10, 20], [95, 5, 0]), 10);
  assert.equal(histogramQuantile(0.95, [10, 20], [94, 6, 0]), 20);
  assert.equal(histogramQuantile(0.95, [10, 20], [0, 0, 3]), 20); // +Inf: the largest finite bound
});
