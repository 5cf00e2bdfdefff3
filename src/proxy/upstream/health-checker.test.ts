import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { EventBus, type EventName, type KeelEvents } from '../../core/events.js';
import { seededRandom } from '../../core/random.js';
import { createPool } from './pool.js';
import { poolConfig } from './pool.test-util.js';

let mode: 'ok' | 'fail' | 'hang' = 'ok';
const paths: string[] = [];
let server: Server;
let port = 0;
let deadPort = 0;

before(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (mode === 'hang') return; // never answers: the check must time out
    res.writeHead(mode === 'ok' ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(mode);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // A port that was just free: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Resolves with the first matching event; fails the test at the deadline instead of hanging. */
function waitFor<K extends EventName>(
  bus: EventBus,
  name: K,
  match: (e: KeelEvents[K]) => boolean,
  deadlineMs = 5000,
): Promise<KeelEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${name} event within ${deadlineMs}ms`));
    }, deadlineMs);
    const off = bus.on(name, (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

test('active checks: healthy → failing → unhealthy after the threshold → recovers after the healthy threshold', async (t) => {
  const bus = new EventBus();
  const config = poolConfig({
    hostCount: 0,
    health: {
      active: {
        path: '/healthz',
        interval: 20,
        timeout: 1000,
        expected_statuses: [200],
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
      slow_start: 60_000,
    },
  });
  config.hosts = [
    { url: `http://127.0.0.1:${port}`, weight: 1, name: 'live' },
    { url: `http://127.0.0.1:${deadPort}`, weight: 1, name: 'dead' },
  ];
  const pool = createPool(config, { bus, clock: systemClock, random: seededRandom(1) });
  t.after(() => pool.close());
  const changes: Array<[string, boolean]> = [];
  bus.on('health.changed', (e) => changes.push([e.host, e.healthy]));
  const checks: KeelEvents['health.check'][] = [];
  bus.on('health.check', (e) => checks.push(e));

  mode = 'ok';
  const deadDown = waitFor(bus, 'health.changed', (e) => e.host === 'dead' && !e.healthy);
  pool.start();
  await deadDown;
  const deadChecks = checks.filter((c) => c.host === 'dead');
  assert.equal(deadChecks.length, 3, 'unhealthy exactly at the third failure in a row');
  assert.ok(deadChecks.every((c) => !c.ok && c.status === 0 && c.error !== ''));
  assert.ok(checks.some((c) => c.host === 'live' && c.ok && c.status === 200));
  assert.equal(paths[0], '/healthz');
  assert.equal(pool.view().hosts[1]?.state, 'unhealthy');

  // The live host fails too: both unhealthy, 0 of 2 available → panic.
  const panic = waitFor(bus, 'pool.panic', (e) => e.panic);
  mode = 'fail';
  const liveDown = await waitFor(bus, 'health.changed', (e) => e.host === 'live' && !e.healthy);
  assert.equal(liveDown.healthy, false);
  assert.equal((await panic).available, 0);
  const failed = checks.filter((c) => c.host === 'live' && !c.ok);
  assert.ok(failed.length >= 3 && failed.every((c) => c.status === 503));

  mode = 'ok';
  const liveUp = waitFor(bus, 'health.changed', (e) => e.host === 'live' && e.healthy);
  const calm = waitFor(bus, 'pool.panic', (e) => !e.panic);
  await liveUp;
  await calm;
  const tail = checks.filter((c) => c.host === 'live').slice(-3);
  assert.deepEqual(
    tail.map((c) => c.ok),
    [false, true, true],
    'healthy again exactly at the second success in a row',
  );
  const live = pool.view().hosts[0]!;
  assert.equal(live.state, 'slow_start', 'a recovered host ramps up');
  assert.ok(live.effective_weight < 0.2);
  assert.deepEqual(changes, [
    ['dead', false],
    ['live', false],
    ['live', true],
  ]);
});

test('a check that gets no answer within the timeout fails as timeout', async (t) => {
  const bus = new EventBus();
  const config = poolConfig({
    hostCount: 0,
    health: {
      active: {
        path: '/slow',
        interval: 20,
        timeout: 50,
        expected_statuses: [200],
        healthy_threshold: 1,
        unhealthy_threshold: 1,
      },
    },
  });
  config.hosts = [{ url: `http://127.0.0.1:${port}`, weight: 1, name: 'hung' }];
  mode = 'hang';
  const pool = createPool(config, { bus, clock: systemClock, random: seededRandom(1) });
  t.after(() => {
    mode = 'ok';
    return pool.close();
  });
  const check = waitFor(bus, 'health.check', (e) => e.host === 'hung');
  const down = waitFor(bus, 'health.changed', (e) => e.host === 'hung' && !e.healthy);
  pool.start();
  const c = await check;
  assert.equal(c.ok, false);
  assert.equal(c.error, 'timeout');
  assert.ok(c.durationMs >= 40, `took ${c.durationMs}ms`);
  await down;
});
