import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_TOP } from '../../config/defaults.js';
import type { RequestDoneEvent } from '../../core/events.js';
import { EventBus } from '../../core/events.js';
import { TracingRuntime } from './runtime.js';

const off = DEFAULT_TOP.telemetry.tracing;
const on = { ...off, enabled: true };

const done = (traceFlags: number): RequestDoneEvent => ({
  requestId: 'r',
  route: 'all',
  pool: 'web',
  method: 'GET',
  path: '/',
  status: 200,
  durationMs: 1,
  tries: 1,
  host: 'a',
  errorCode: '',
  cache: '',
  shed: false,
  traceId: '1'.repeat(32),
  spanId: '2'.repeat(16),
  parentSpanId: '',
  traceFlags,
  startedAt: 1000,
  at: 1001,
});

describe('TracingRuntime', () => {
  it('off: subscribes to nothing, so the data plane publishes nothing', () => {
    const bus = new EventBus();
    const rt = new TracingRuntime(bus, off);
    assert.equal(rt.active, false);
    assert.equal(bus.channel('request.done').active, false);
    assert.equal(bus.channel('try.done').active, false);
  });

  it('exports sampled spans only; a reload switches it on and off', async () => {
    const bus = new EventBus();
    const exporter = new InMemorySpanExporter();
    const rt = new TracingRuntime(bus, off, { exporter });
    await rt.reconfigure(on);
    assert.equal(rt.active, true);
    bus.channel('request.done').publish(done(1));
    bus.channel('request.done').publish(done(0));
    await rt.flush();
    assert.deepEqual(
      exporter.getFinishedSpans().map((s) => s.name),
      ['GET all'],
    );
    await rt.reconfigure(off);
    assert.equal(bus.channel('request.done').active, false);
    await rt.shutdown();
  });
});
