/**
 * Traces end to end (docs/tracing.md): W3C traceparent/tracestate propagated to real upstreams,
 * SERVER and CLIENT spans exported over OTLP/HTTP (JSON) by the real exporter to a local
 * receiver that decodes what arrives.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../../src/app/app.js';
import { validateConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { subscribeTracing, type TracingSubscriber } from '../../src/telemetry/tracing/subscriber.js';
import { attr, OtlpReceiver, type OtlpSpan } from './otlp-receiver.js';
import {
  type Handler,
  hello,
  makeConfig,
  type Running,
  send,
  startGateway,
  upstreams,
  waitFor,
} from './proxy-util.js';

const SERVER = 2; // OTLP SpanKind
const CLIENT = 3;
const TP = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

/** What each upstream received, by request id. */
const seen = new Map<string, Array<{ traceparent: string; tracestate: string; port: number }>>();
const recording =
  (inner: Handler): Handler =>
  (req: IncomingMessage, res, up) => {
    const id = String(req.headers['x-request-id']);
    const list = seen.get(id) ?? [];
    list.push({
      traceparent: String(req.headers.traceparent ?? ''),
      tracestate: String(req.headers.tracestate ?? ''),
      port: up.port,
    });
    seen.set(id, list);
    inner(req, res, up);
  };

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A traced gateway over two recording upstreams, exporting to `receiver`. */
async function traced(
  receiver: OtlpReceiver,
  tracing: Record<string, unknown>,
): Promise<[Running, TracingSubscriber]> {
  const ups = await upstreams(2, recording(hello));
  const raw = {
    telemetry: { tracing: { enabled: true, endpoint: receiver.url, service_name: 'keel-test', ...tracing } },
    pools: { web: { hosts: ups.map((u) => u.url) } },
    routes: [
      { name: 'hedged', pool: 'web', match: { path_prefix: '/hedge' }, hedge: { enabled: true, delay: 30 } },
      { name: 'all', pool: 'web' },
    ],
  };
  const g = await startGateway(raw);
  // A short batch delay: spans leave within 20 ms; tests still wait on flush() with a deadline.
  const sub = subscribeTracing(g.bus, makeConfig(raw).telemetry.tracing, { scheduledDelayMillis: 20 });
  cleanup.push(async () => {
    await sub.shutdown();
    await g.close();
    await Promise.all(ups.map((u) => u.close()));
  });
  // The first request to each upstream answers 503 once, when the test asks for it.
  for (const u of ups) {
    u.handler = recording((req, res, self) => {
      const first = !failedOnce.has(String(req.headers['x-request-id']));
      if (req.headers['x-slow-first'] === '1' && first) {
        failedOnce.add(String(req.headers['x-request-id']));
        setTimeout(() => hello(req, res, self), 1000).unref();
        return;
      }
      if (req.headers['x-fail-first'] === '1' && first) {
        failedOnce.add(String(req.headers['x-request-id']));
        req.resume();
        res.writeHead(503).end('busy');
        return;
      }
      hello(req, res, self);
    });
  }
  return [g, sub];
}
const failedOnce = new Set<string>();

async function spansOf(r: OtlpReceiver, sub: TracingSubscriber, id: string, n: number): Promise<OtlpSpan[]> {
  await waitFor(() => r.of(id).length >= n, `${n} spans of ${id}`, 5000);
  await sub.flush();
  return r.of(id);
}

describe('tracing: propagation and OTLP export', () => {
  const receiver = new OtlpReceiver();
  let g: Running;
  let sub: TracingSubscriber;
  before(async () => {
    await receiver.listen();
    cleanup.push(() => receiver.close());
    [g, sub] = await traced(receiver, { sample_ratio: 1 });
  });

  it('a request without traceparent starts a trace: a SERVER span and a CLIENT span per try', async () => {
    const r = await send(`${g.url}/a?q=1`, { headers: { 'x-request-id': 'new-1' } });
    assert.equal(r.status, 200);
    await sub.flush();
    const spans = await spansOf(receiver, sub, 'new-1', 2);
    assert.equal(spans.length, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    assert.ok(server && client);
    assert.equal(server.service, 'keel-test');
    assert.equal(server.name, 'GET all');
    assert.equal(server.parentSpanId ?? '', '', 'a root span');
    assert.equal(attr(server, 'http.request.method'), 'GET');
    assert.equal(attr(server, 'http.route'), 'all');
    assert.equal(attr(server, 'url.path'), '/a');
    assert.equal(attr(server, 'http.response.status_code'), 200);
    assert.equal(server.status.code ?? 0, 0);
    assert.equal(client.traceId, server.traceId);
    assert.equal(client.parentSpanId, server.spanId);
    assert.equal(client.name, 'GET');
    assert.equal(attr(client, 'server.address'), '127.0.0.1');
    assert.equal(attr(client, 'keel.retry.attempt'), 0);
    assert.equal(attr(client, 'keel.try.hedge'), false);
    assert.equal(attr(client, 'keel.breaker.state'), 'closed');
    assert.equal(attr(client, 'http.response.status_code'), 200);
    // The upstream saw the client span as its parent, in the same trace, sampled.
    const got = seen.get('new-1')!;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.traceparent, `00-${server.traceId}-${client.spanId}-01`);
    assert.equal(attr(client, 'server.port'), got[0]!.port);
    assert.equal(got[0]!.tracestate, '');
    // Times: the client span lies within the server span.
    assert.ok(BigInt(server.startTimeUnixNano) <= BigInt(client.startTimeUnixNano));
    assert.ok(BigInt(client.endTimeUnixNano) <= BigInt(server.endTimeUnixNano));
    // The events carry the same ids (logs and other subscribers read them there).
    const done = g.events('request.done').find((e) => e.requestId === 'new-1')!;
    assert.equal(done.traceId, server.traceId);
    assert.equal(done.spanId, server.spanId);
    assert.equal(done.traceFlags, 1);
    // The exporter speaks OTLP/HTTP JSON to the configured path.
    assert.ok(receiver.requests.every((q) => q.method === 'POST' && q.url === '/v1/traces'));
    assert.ok(receiver.requests.every((q) => q.contentType.startsWith('application/json')));
  });

  it('continues an incoming trace: same trace id, parent = the caller span, tracestate passed', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const r = await send(`${g.url}/b`, {
      headers: {
        'x-request-id': 'cont-1',
        traceparent: `00-${traceId}-${parent}-01`,
        tracestate: 'vendor=abc,x=1',
      },
    });
    assert.equal(r.status, 200);
    const spans = await spansOf(receiver, sub, 'cont-1', 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    assert.equal(server.traceId, traceId);
    assert.equal(server.parentSpanId, parent);
    assert.equal(client.traceId, traceId);
    assert.equal(client.parentSpanId, server.spanId);
    const got = seen.get('cont-1')![0]!;
    assert.equal(got.traceparent, `00-${traceId}-${client.spanId}-01`, "the caller's parent id is replaced");
    assert.equal(got.tracestate, 'vendor=abc,x=1');
  });

  it('an invalid traceparent starts a new trace and drops tracestate', async () => {
    await send(`${g.url}/c`, {
      headers: {
        'x-request-id': 'bad-1',
        traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
        tracestate: 'a=1',
      },
    });
    const spans = await spansOf(receiver, sub, 'bad-1', 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    assert.notEqual(server.traceId, '00000000000000000000000000000000');
    assert.equal(server.parentSpanId ?? '', '');
    const got = seen.get('bad-1')![0]!;
    assert.match(got.traceparent, TP);
    assert.equal(TP.exec(got.traceparent)![1], server.traceId);
    assert.equal(got.tracestate, '');
  });

  it('a retried request: two CLIENT spans, attempts 0 and 1, on different hosts', async () => {
    const r = await send(`${g.url}/d`, { headers: { 'x-request-id': 'retry-1', 'x-fail-first': '1' } });
    assert.equal(r.status, 200);
    const spans = await spansOf(receiver, sub, 'retry-1', 3);
    assert.equal(spans.length, 3);
    const server = spans.find((s) => s.kind === SERVER)!;
    const tries = spans
      .filter((s) => s.kind === CLIENT)
      .sort((a, b) => Number(attr(a, 'keel.retry.attempt')) - Number(attr(b, 'keel.retry.attempt')));
    assert.deepEqual(
      tries.map((s) => attr(s, 'keel.retry.attempt')),
      [0, 1],
    );
    assert.notEqual(attr(tries[0]!, 'keel.upstream.host'), attr(tries[1]!, 'keel.upstream.host'));
    assert.equal(attr(tries[0]!, 'http.response.status_code'), 503);
    assert.equal(attr(tries[0]!, 'error.type'), '503');
    assert.equal(tries[0]!.status.code, 2, 'ERROR');
    assert.equal(attr(tries[1]!, 'http.request.resend_count'), 1);
    assert.equal(attr(server, 'keel.tries'), 2);
    assert.equal(attr(server, 'http.response.status_code'), 200);
    for (const t of tries) {
      assert.equal(t.traceId, server.traceId);
      assert.equal(t.parentSpanId, server.spanId);
    }
    // Each try carried its own client span id upstream.
    const got = seen.get('retry-1')!.map((s) => s.traceparent);
    assert.deepEqual(got.sort(), tries.map((t) => `00-${server.traceId}-${t.spanId}-01`).sort());
    assert.notEqual(seen.get('retry-1')![0]!.port, seen.get('retry-1')![1]!.port);
  });
});

describe('tracing: hedges', () => {
  const receiver = new OtlpReceiver();
  let g: Running;
  let sub: TracingSubscriber;
  before(async () => {
    await receiver.listen();
    cleanup.push(() => receiver.close());
    [g, sub] = await traced(receiver, {});
  });

  it('a hedged request: the hedge is its own CLIENT span with its own traceparent', async () => {
    const r = await send(`${g.url}/hedge`, { headers: { 'x-request-id': 'hedge-1', 'x-slow-first': '1' } });
    assert.equal(r.status, 200);
    const spans = await spansOf(receiver, sub, 'hedge-1', 3);
    const server = spans.find((s) => s.kind === SERVER)!;
    assert.equal(server.name, 'GET hedged');
    const tries = spans.filter((s) => s.kind === CLIENT);
    assert.equal(tries.length, 2);
    const hedge = tries.find((s) => attr(s, 'keel.try.hedge') === true)!;
    const lost = tries.find((s) => attr(s, 'keel.try.hedge') === false)!;
    assert.equal(attr(hedge, 'http.response.status_code'), 200);
    assert.equal(attr(lost, 'error.type'), 'aborted');
    assert.equal(lost.status.code, 2);
    const got = seen
      .get('hedge-1')!
      .map((s) => s.traceparent)
      .sort();
    assert.deepEqual(got, tries.map((t) => `00-${server.traceId}-${t.spanId}-01`).sort());
  });
});

describe('tracing: sampling', () => {
  const receiver = new OtlpReceiver();
  let g: Running;
  let sub: TracingSubscriber;
  before(async () => {
    await receiver.listen();
    cleanup.push(() => receiver.close());
    [g, sub] = await traced(receiver, { sample_ratio: 0 });
  });

  it('sample_ratio 0: nothing is exported, yet trace context still propagates', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    await send(`${g.url}/s`, {
      headers: { 'x-request-id': 's-1', traceparent: `00-${traceId}-1111111111111111-00` },
    });
    await send(`${g.url}/s`, { headers: { 'x-request-id': 's-2' } });
    const cont = TP.exec(seen.get('s-1')![0]!.traceparent)!;
    assert.equal(cont[1], traceId);
    assert.notEqual(cont[2], '1111111111111111');
    assert.equal(cont[3], '00', 'not sampled');
    const fresh = TP.exec(seen.get('s-2')![0]!.traceparent)!;
    assert.equal(fresh[3], '00');
    assert.equal(g.events('request.done').find((e) => e.requestId === 's-2')!.traceId, fresh[1]);
    await sub.flush();
    assert.equal(receiver.requests.length, 0);
  });

  it('a sampled caller is honoured whatever the ratio (parent-based)', async () => {
    const traceId = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
    await send(`${g.url}/s`, {
      headers: { 'x-request-id': 's-3', traceparent: `00-${traceId}-2222222222222222-01` },
    });
    assert.match(seen.get('s-3')![0]!.traceparent, /-01$/);
    const spans = await spansOf(receiver, sub, 's-3', 2);
    assert.ok(spans.every((s) => s.traceId === traceId));
  });
});

describe('tracing in the app: off, then on by reload, flushed on shutdown', () => {
  it('off: trace headers pass through untouched and nothing is exported; on after a reload', async () => {
    const receiver = await new OtlpReceiver().listen();
    cleanup.push(() => receiver.close());
    const [up] = await upstreams(1, recording(hello));
    cleanup.push(() => up!.close());
    const raw = (enabled: boolean) => ({
      listeners: [{ port: 0, host: '127.0.0.1' }],
      telemetry: { tracing: { enabled, endpoint: receiver.url, service_name: 'keel-app' } },
      pools: { web: { hosts: [up!.url] } },
      routes: [{ name: 'all', pool: 'web' }],
    });
    const loaded = validateConfig(raw(false));
    assert.ok(loaded.ok);
    const app = await startApp({
      config: loaded.config,
      version: loaded.version,
      admin: false,
      logger: createLogger({ level: 'silent' }),
    });
    let stopped = false;
    cleanup.push(async () => {
      if (!stopped) await app.shutdown('test');
    });
    const url = `http://127.0.0.1:${app.listeners[0]!.port}`;
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await send(`${url}/off`, { headers: { 'x-request-id': 'off-1', traceparent: tp, tracestate: 'k=v' } });
    assert.deepEqual(
      seen.get('off-1')!.map((s) => [s.traceparent, s.tracestate]),
      [[tp, 'k=v']],
    );
    const noTp = await send(`${url}/off`, { headers: { 'x-request-id': 'off-2' } });
    assert.equal(noTp.status, 200);
    assert.equal(seen.get('off-2')![0]!.traceparent, '', 'nothing generated when off');

    const res = await app.reload('api', raw(true));
    assert.ok(res.ok);
    await send(`${url}/on`, { headers: { 'x-request-id': 'on-1', traceparent: tp } });
    assert.match(
      seen.get('on-1')![0]!.traceparent,
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)/,
    );
    assert.equal(receiver.requests.length, 0, 'nothing exported before the batch is due');
    // Shutdown flushes what the batch holds (the app uses the SDK's default 5 s delay).
    stopped = true;
    await app.shutdown('test');
    await waitFor(() => receiver.of('on-1').length === 2, 'spans flushed at shutdown', 5000);
    assert.ok(receiver.spans.every((s) => s.service === 'keel-app'));
    assert.equal(receiver.of('off-1').length + receiver.of('off-2').length, 0);
  });
});

describe('tracing: an unreachable collector', () => {
  it('reports the failure once; requests are unaffected', async () => {
    const gone = await new OtlpReceiver().listen();
    await gone.close(); // nothing listens on this port any more
    const ups = await upstreams(1, hello);
    const raw = {
      telemetry: { tracing: { enabled: true, endpoint: gone.url, timeout: 1000 } },
      pools: { web: { hosts: ups.map((u) => u.url) } },
      routes: [{ name: 'all', pool: 'web' }],
    };
    const g = await startGateway(raw);
    const states: boolean[] = [];
    const sub = subscribeTracing(g.bus, makeConfig(raw).telemetry.tracing, {
      scheduledDelayMillis: 10,
      onExportState: (ok) => states.push(ok),
    });
    cleanup.push(async () => {
      await sub.shutdown().catch(() => undefined);
      await g.close();
      await Promise.all(ups.map((u) => u.close()));
    });
    for (let i = 0; i < 3; i++) assert.equal((await send(`${g.url}/x`)).status, 200);
    await waitFor(() => states.length > 0, 'an export failure', 5000);
    await sub.flush().catch(() => undefined);
    assert.deepEqual(states, [false]);
  });
});
