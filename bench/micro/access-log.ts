/**
 * Micro benchmark of the access log: one `request.done` event -> one JSON line, the work done on
 * every proxied request while `telemetry.access_log.enabled` is on (the default).
 * Run: `npm run build && node dist/bench/micro/access-log.js > /dev/null` (lines go to stdout;
 * the figures to stderr). Two figures: building and handing the line to pino (a sink that drops
 * it), and end to end through the asynchronous stdout destination. Events are published 200 per
 * event-loop turn, as a busy server would, so the async writes can complete.
 */
import { EventBus, type RequestDoneEvent } from '../../src/core/events.js';
import { subscribeAccessLog } from '../../src/telemetry/access-log.js';
import { createLogger } from '../../src/telemetry/logging.js';

const LINES = 200_000;
const event: RequestDoneEvent = {
  requestId: 'b0c1e2f3-aaaa-bbbb-cccc-0123456789ab',
  route: 'api',
  pool: 'web',
  method: 'GET',
  path: '/users/7',
  status: 200,
  durationMs: 12.3456,
  tries: 1,
  host: '10.0.0.7:8080',
  errorCode: '',
  cache: '',
  shed: false,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: '',
  traceFlags: 1,
  startedAt: 0,
  at: 0,
};

async function run(label: string, sink: 'drop' | 'stdout'): Promise<void> {
  const bus = new EventBus();
  const logger = createLogger(sink === 'drop' ? { destination: { write: () => true } } : {});
  const off = subscribeAccessLog(bus, { logger });
  const ch = bus.channel('request.done');
  const batch = async (n: number) => {
    for (let i = 0; i < n; i += 200) {
      for (let j = 0; j < 200; j++) ch.publish(event);
      await new Promise((r) => setImmediate(r));
    }
  };
  await batch(20_000); // warm-up
  const t0 = performance.now();
  await batch(LINES);
  const ms = performance.now() - t0;
  off();
  const perSec = Math.round((LINES / ms) * 1000);
  process.stderr.write(`${label}: ${perSec} lines/s, ${((ms * 1000) / LINES).toFixed(2)} µs/line\n`);
}

await run('access log, build + pino (sink drops)', 'drop');
await run('access log, end to end (async stdout)', 'stdout');
