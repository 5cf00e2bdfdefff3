import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../config/index.js';
import { ManualClock } from '../core/clock.js';
import { EventBus, type RequestDoneEvent, type SloAlertEvent } from '../core/events.js';
import { SloRuntime, type SloRuntimeOptions } from './runtime.js';

const r = validateConfig({
  pools: { web: { hosts: ['http://127.0.0.1:1'] } },
  routes: [{ name: 'api', pool: 'web' }],
  slos: [{ name: 'api', kind: 'availability', objective: 99.9, alerting: { runbook_url: 'https://rb' } }],
});
if (!r.ok) throw new Error(JSON.stringify(r.problems));
const slos = r.config.slos;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function done(status: number, at: number): RequestDoneEvent {
  return {
    ...{
      requestId: 'x',
      route: 'api',
      pool: 'web',
      method: 'GET',
      path: '/',
      status,
      durationMs: 1,
      tries: 1,
    },
    ...{ host: '', errorCode: '', cache: '', shed: false, traceId: '', spanId: '', parentSpanId: '' },
    ...{ traceFlags: 0, startedAt: at, at },
  };
}

function runtime(
  role: SloRuntimeOptions['role'],
  clock: ManualClock,
  extra: Partial<SloRuntimeOptions> = {},
) {
  const bus = new EventBus();
  const rt = new SloRuntime({
    ...{ role, slos, evaluationInterval: 60_000, bus, clock, log: silent, store: null },
    routeNames: () => ['api'],
    ...extra,
  });
  rt.start();
  return { rt, bus };
}

describe('SloRuntime across workers', () => {
  it('the primary adds each worker delta once, and alone publishes the alert', async () => {
    const clock = new ManualClock(10_000_000);
    const w1 = runtime('worker', clock);
    const w2 = runtime('worker', clock);
    const primary = runtime('primary', clock, { pull: async () => [w1.rt.takeDelta(), w2.rt.takeDelta()] });
    const alerts: SloAlertEvent[] = [];
    for (const x of [w1, w2, primary]) x.bus.on('slo.alert', (e) => alerts.push(e));
    for (let i = 0; i < 100; i++) {
      w1.bus.channel('request.done').publish(done(i % 2 === 0 ? 500 : 200, clock.now()));
      w2.bus.channel('request.done').publish(done(200, clock.now()));
    }
    await primary.rt.tick();
    assert.deepEqual(primary.rt.status()[0]!.events, { good: 150, total: 200 });
    await primary.rt.tick(); // the workers started over: nothing is counted twice
    assert.deepEqual(primary.rt.status()[0]!.events, { good: 150, total: 200 });
    const fired = alerts.filter((a) => a.state === 'firing').map((a) => a.tier);
    assert.ok(fired.includes('page-fast'));
    assert.equal(new Set(fired).size, fired.length, 'each tier fires once');
    assert.deepEqual(
      primary.rt.actions().map((a) => a.action),
      [],
      'no policy configured, none in force',
    );
    for (const x of [w1, w2, primary]) x.rt.close();
  });
});

describe('SloRuntime after a start', () => {
  it('hands every alerting tier’s state to reconcile once, after the first evaluation', async () => {
    const clock = new ManualClock(10_000_000);
    const calls: Array<Array<[string, string]>> = [];
    const { rt, bus } = runtime('single', clock, {
      reconcile: (states) => calls.push(states.map((e) => [e.key, e.state])),
    });
    for (let i = 0; i < 200; i++)
      bus.channel('request.done').publish(done(i % 2 === 0 ? 500 : 200, clock.now()));
    assert.equal(calls.length, 0, 'not before the first evaluation');
    await rt.tick();
    await rt.tick();
    assert.deepEqual(calls, [
      [
        ['api:page-fast', 'firing'],
        ['api:page-slow', 'firing'],
        ['api:ticket', 'firing'],
      ],
    ]);
    rt.close();
  });
});
