/**
 * Micro benchmark of metrics recording: what one proxied request costs the metrics subscribers
 * (request.start + request.done + one try.done) with `telemetry.metrics.enabled` on (the default).
 * Run: `npm run build && node dist/bench/micro/metrics.js`. Prints ns per request; asserts nothing.
 * Label tuples cycle over 4 routes x 3 statuses x 3 hosts, so the child caches see several keys.
 */
import { EventBus, type RequestDoneEvent, type TryDoneEvent } from '../../src/core/events.js';
import { createMetrics } from '../../src/telemetry/metrics/index.js';

const REQUESTS = 1_000_000;
const routes = ['api', 'web', 'auth', 'static'];
const statuses = [200, 404, 503];
const hosts = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];

const done = routes.flatMap((route) =>
  statuses.map(
    (status) =>
      ({
        requestId: 'r',
        route,
        pool: 'web',
        method: 'GET',
        path: '/x',
        status,
        durationMs: 12.5,
        tries: 1,
        host: hosts[0],
        errorCode: '',
        cache: '',
        shed: false,
        traceId: '',
        at: 0,
      }) as RequestDoneEvent,
  ),
);
const tries = hosts.map(
  (host) =>
    ({
      requestId: 'r',
      route: 'api',
      pool: 'web',
      host,
      attempt: 0,
      hedge: false,
      status: 200,
      error: '',
      durationMs: 10,
      breakerState: 'closed',
    }) as TryDoneEvent,
);

function run(label: string, withMetrics: boolean): void {
  const bus = new EventBus();
  const m = withMetrics
    ? createMetrics(bus, { pools: () => [], configVersion: () => 'v' }, { process: false })
    : null;
  const start = bus.channel('request.start');
  const end = bus.channel('request.done');
  const tried = bus.channel('try.done');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) {
    const d = done[i % done.length]!;
    if (start.active)
      start.publish({ requestId: 'r', route: d.route, pool: d.pool, method: d.method, at: 0 });
    if (tried.active) tried.publish(tries[i % tries.length]!);
    if (end.active) end.publish(d);
  }
  const ns = Number(process.hrtime.bigint() - t0) / REQUESTS;
  m?.close();
  console.log(`${label.padEnd(22)} ${ns.toFixed(1)} ns/request`);
}

run('metrics off (warm-up)', false);
run('metrics on (warm-up)', true);
run('metrics off', false);
run('metrics on', true);
