import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { EventBus, type RequestDoneEvent } from '../core/events.js';
import { AccessLog, subscribeAccessLog } from './access-log.js';
import { createLogger } from './logging.js';

function collector() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  return { lines, destination };
}

const done: RequestDoneEvent = {
  requestId: 'req-1',
  route: 'api',
  pool: 'web',
  method: 'GET',
  path: '/users/7',
  status: 200,
  durationMs: 12.3456789,
  tries: 2,
  host: 'app-2',
  errorCode: '',
  cache: 'miss',
  shed: false,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: '',
  traceFlags: 1,
  startedAt: 0,
  at: 0,
};

describe('subscribeAccessLog', () => {
  it('writes one flat JSON line per request with every field, numbers as numbers', () => {
    const bus = new EventBus();
    const { lines, destination } = collector();
    subscribeAccessLog(bus, { destination });
    bus.channel('request.done').publish(done);
    assert.equal(lines.length, 1);
    const l = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const { time: _t, pid: _p, ...rest } = l;
    assert.deepEqual(rest, {
      level: 'info',
      type: 'access',
      method: 'GET',
      path: '/users/7',
      route: 'api',
      pool: 'web',
      status: 200,
      duration_ms: 12.346,
      upstream: 'app-2',
      tries: 2,
      cache: 'miss',
      request_id: 'req-1',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      error_code: null,
      shed: false,
    });
    // Flat: no value is an object (Loki's json stage and ES mappings stay simple).
    for (const v of Object.values(l)) assert.ok(v === null || typeof v !== 'object', JSON.stringify(l));
  });

  it('keeps every key when a value does not apply (null), e.g. a shed request Keel answered', () => {
    const bus = new EventBus();
    const { lines, destination } = collector();
    subscribeAccessLog(bus, { destination });
    bus.channel('request.done').publish({
      ...done,
      route: '',
      pool: '',
      host: '',
      cache: '',
      traceId: '',
      status: 503,
      tries: 0,
      errorCode: 'KEEL_ERR_SHED_QUEUE_FULL',
      shed: true,
    });
    const l = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(l.error_code, 'KEEL_ERR_SHED_QUEUE_FULL');
    assert.equal(l.shed, true);
    for (const k of ['route', 'pool', 'upstream', 'cache', 'trace_id']) assert.equal(l[k], null, k);
  });

  it('subscribes nothing when disabled or when the logger is above info; unsubscribes', () => {
    const bus = new EventBus();
    const ch = bus.channel('request.done');
    subscribeAccessLog(bus, { enabled: false });
    assert.equal(ch.active, false);
    const { lines, destination } = collector();
    subscribeAccessLog(bus, { logger: createLogger({ level: 'warn', destination }) });
    assert.equal(ch.active, false);
    const off = subscribeAccessLog(bus, { logger: createLogger({ destination }) });
    assert.equal(ch.active, true);
    ch.publish(done);
    off();
    assert.equal(ch.active, false);
    assert.equal(lines.length, 1);
  });

  it('shares the app logger: its base (pid, worker) is on every line', () => {
    const bus = new EventBus();
    const { lines, destination } = collector();
    subscribeAccessLog(bus, { logger: createLogger({ destination, base: { worker: 3 } }) });
    bus.channel('request.done').publish(done);
    const l = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(l.worker, 3);
    assert.equal(l.pid, process.pid);
  });

  it('AccessLog follows the enabled flag across reloads', () => {
    const bus = new EventBus();
    const ch = bus.channel('request.done');
    const { lines, destination } = collector();
    const log = new AccessLog(bus, false, { destination });
    assert.equal(ch.active, false);
    log.set(true);
    log.set(true); // idempotent: still one subscription, one line per request
    ch.publish(done);
    assert.equal(lines.length, 1);
    log.set(false);
    assert.equal(ch.active, false);
    log.set(true);
    log.close();
    assert.equal(ch.active, false);
  });
});
