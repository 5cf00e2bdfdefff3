import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { createLogger, subscribeLogs } from './logging.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('subscribeLogs', () => {
  it('logs breaker transitions (error when opening) and panic loudly, each with a reason', () => {
    const bus = new EventBus();
    const { lines, logger } = capture();
    subscribeLogs(bus, logger);
    const t = { scope: 'host', pool: 'app', host: 'app-2', route: '', at: 0 } as const;
    bus.channel('breaker.transition').publish({ ...t, from: 'closed', to: 'open', reason: 'failure_rate' });
    bus.channel('breaker.transition').publish({ ...t, from: 'open', to: 'half_open', reason: 'timeout' });
    bus.channel('pool.panic').publish({ pool: 'app', panic: true, available: 1, total: 3, at: 0 });
    assert.equal(lines.length, 3);
    assert.equal(lines[0]?.level, 'error');
    assert.equal(lines[1]?.level, 'warn');
    assert.equal(lines[2]?.level, 'error');
    assert.equal(lines[2]?.msg, 'PANIC: pool app has 1/3 available hosts; routing to all hosts');
    for (const l of lines) assert.equal(typeof l.reason, 'string');
  });

  it('logs an endpoint breaker opening as an error, apart from host breakers', () => {
    const bus = new EventBus();
    const { lines, logger } = capture();
    subscribeLogs(bus, logger);
    const e = { pool: 'app', route: 'web', endpoint: 'GET /broken', failingHosts: 3, at: 0 };
    bus
      .channel('endpoint.transition')
      .publish({ ...e, from: 'closed', to: 'open', reason: '100% of 20 tries failed, on 3 hosts' });
    bus
      .channel('endpoint.transition')
      .publish({ ...e, from: 'half_open', to: 'closed', reason: 'probe succeeded' });
    assert.deepEqual(
      lines.map((l) => [l.level, l.event, l.endpoint, l.to]),
      [
        ['error', 'endpoint.transition', 'GET /broken', 'open'],
        ['info', 'endpoint.transition', 'GET /broken', 'closed'],
      ],
    );
    assert.equal(
      lines[0]?.msg,
      'endpoint GET /broken of route web (app): closed -> open: 100% of 20 tries failed, on 3 hosts',
    );
  });

  it('rate-limits shed logs to one per second per pool+reason, counting the suppressed', () => {
    const bus = new EventBus();
    const clock = new ManualClock(0);
    const { lines, logger } = capture();
    subscribeLogs(bus, logger, clock);
    const shed = (pool: string) =>
      bus.channel('shed').publish({ pool, route: 'r', reason: 'queue_full', queueDepth: 5, at: 0 });
    for (let i = 0; i < 100; i++) shed('app');
    shed('other');
    assert.equal(lines.length, 2);
    clock.advance(1000);
    shed('app');
    assert.equal(lines.length, 3);
    assert.equal(lines[2]?.suppressed, 99);
  });

  it('logs reloads (error with problems when refused) and drains; unsubscribes', () => {
    const bus = new EventBus();
    const { lines, logger } = capture();
    const off = subscribeLogs(bus, logger);
    bus
      .channel('config.reload')
      .publish({ ok: false, version: '', source: 'api', problems: ['routes[0].pool: bad'], at: 0 });
    bus.channel('config.reload').publish({ ok: true, version: 'abc', source: 'sighup', problems: [], at: 0 });
    bus.channel('drain').publish({ phase: 'start', inFlight: 2, at: 0 });
    assert.equal(lines[0]?.level, 'error');
    assert.deepEqual(lines[0]?.problems, ['routes[0].pool: bad']);
    assert.equal(lines[1]?.level, 'info');
    assert.equal(lines[2]?.event, 'drain');
    off();
    bus.channel('drain').publish({ phase: 'done', inFlight: 0, at: 0 });
    assert.equal(lines.length, 3);
    assert.equal(bus.channel('drain').active, false);
  });

  it('every lifecycle line names its event and a non-empty reason', () => {
    const bus = new EventBus();
    const { lines, logger } = capture();
    subscribeLogs(bus, logger);
    bus.channel('breaker.transition').publish({
      scope: 'route',
      pool: 'app',
      host: '',
      route: 'api',
      from: 'half_open',
      to: 'closed',
      reason: 'probes_succeeded',
      at: 0,
    });
    bus.channel('host.ejected').publish({
      pool: 'app',
      host: 'app-1',
      reason: 'latency',
      ejectionMs: 10_000,
      ejections: 1,
      at: 0,
    });
    bus.channel('host.restored').publish({ pool: 'app', host: 'app-1', healthy: true, at: 0 });
    bus.channel('health.changed').publish({ pool: 'app', host: 'app-1', healthy: false, at: 0 });
    bus.channel('health.changed').publish({ pool: 'app', host: 'app-1', healthy: true, at: 0 });
    bus.channel('pool.panic').publish({ pool: 'app', panic: false, available: 3, total: 3, at: 0 });
    bus.channel('shed').publish({ pool: 'app', route: 'api', reason: 'draining', queueDepth: 0, at: 0 });
    bus.channel('config.reload').publish({ ok: true, version: 'v2', source: 'api', problems: [], at: 0 });
    bus.channel('drain').publish({ phase: 'done', inFlight: 1, at: 0 });
    assert.deepEqual(
      lines.map((l) => [l.event, l.reason]),
      [
        ['breaker.transition', 'probes_succeeded'],
        ['host.ejected', 'latency'],
        ['host.restored', 'ejection_expired'],
        ['health.changed', 'checks_failed'],
        ['health.changed', 'checks_passed'],
        ['pool.panic', 'enough_hosts_available'],
        ['shed', 'draining'],
        ['config.reload', 'valid_config'],
        ['drain', 'deadline'],
      ],
    );
  });
});
