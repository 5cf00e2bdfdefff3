import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { type LoadSources, ProcessLoadSampler } from './process-load.js';

/** Scripted cumulative sources: tests move time, CPU and loop activity by hand. */
function fakeSources() {
  const s = { cpu: 0, active: 0, idle: 0, p99: [] as number[], stopped: false };
  const sources: LoadSources = {
    cpuMicros: () => s.cpu,
    elu: () => ({ active: s.active, idle: s.idle, utilization: 0 }),
    delayP99Ms: () => s.p99.shift() ?? 0,
    stop: () => {
      s.stopped = true;
    },
  };
  return { s, sources };
}

test('ProcessLoadSampler: CPU and ELU over the elapsed time, p99 the worst second kept', () => {
  const clock = new ManualClock(1_000_000);
  const { s, sources } = fakeSources();
  const sampler = new ProcessLoadSampler({ clock, sources, timer: false, windowMs: 10_000 });
  assert.deepEqual(sampler.read(), {
    cpu_percent: 0,
    event_loop_utilization_percent: 0,
    event_loop_delay_p99_ms: 0,
    window_ms: 0,
  });
  // 2 s: 1.5 s of CPU (75% of one core); loop busy 500 ms of 2000 ms.
  s.p99.push(12, 40);
  for (let i = 0; i < 2; i++) {
    clock.advance(1000);
    s.cpu += 750_000;
    s.active += 250;
    s.idle += 750;
    sampler.tick();
  }
  assert.deepEqual(sampler.read(), {
    cpu_percent: 75,
    event_loop_utilization_percent: 25,
    event_loop_delay_p99_ms: 40,
    window_ms: 2000,
  });
  sampler.stop();
  assert.equal(s.stopped, true);
});

test('ProcessLoadSampler: only the last window counts (old load slides out)', () => {
  const clock = new ManualClock(0);
  const { s, sources } = fakeSources();
  const sampler = new ProcessLoadSampler({ clock, sources, timer: false, windowMs: 10_000 });
  // 5 busy seconds (100% CPU), then 20 idle ones.
  for (let i = 0; i < 25; i++) {
    clock.advance(1000);
    if (i < 5) s.cpu += 1_000_000;
    s.idle += 1000;
    s.p99.push(i < 5 ? 500 : 1);
    sampler.tick();
  }
  const r = sampler.read();
  assert.equal(r.cpu_percent, 0);
  assert.equal(r.event_loop_delay_p99_ms, 1);
  assert.ok(r.window_ms >= 10_000 && r.window_ms <= 11_000, String(r.window_ms));
  sampler.stop();
});

test('ProcessLoadSampler with real sources reads sane numbers', () => {
  const sampler = new ProcessLoadSampler();
  const t0 = Date.now();
  while (Date.now() - t0 < 30) {
    // burn a little CPU so the reading is not empty
  }
  const r = sampler.read();
  assert.ok(r.cpu_percent >= 0 && r.event_loop_utilization_percent >= 0 && r.event_loop_delay_p99_ms >= 0);
  sampler.stop();
});
