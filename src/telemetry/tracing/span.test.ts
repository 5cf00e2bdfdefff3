import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { RequestDoneEvent, TryDoneEvent } from '../../core/events.js';
import {
  clientAttributes,
  clientErrorType,
  OriginCache,
  serverAttributes,
  serverErrorType,
} from './attributes.js';
import { EventSpan, hrTime } from './span.js';

const src = { resource: resourceFromAttributes({ 'service.name': 't' }), scope: { name: 'keel' } };
const ids = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), traceFlags: 1 };

const done: RequestDoneEvent = {
  requestId: 'r1',
  route: 'api',
  pool: 'web',
  method: 'POST',
  path: '/orders',
  status: 502,
  durationMs: 12,
  tries: 2,
  host: '',
  errorCode: 'KEEL_ERR_UPSTREAM_CONNECT',
  cache: '',
  shed: false,
  ...ids,
  startedAt: 1_700_000_000_000,
  at: 1_700_000_000_012,
};

const tried: TryDoneEvent = {
  requestId: 'r1',
  route: 'api',
  pool: 'web',
  host: 'app-1',
  attempt: 1,
  hedge: false,
  status: 0,
  error: 'connect',
  durationMs: 1.5,
  breakerState: 'half_open',
  ...ids,
  startedAt: 1_700_000_000_001,
  url: 'http://[::1]:8081',
  method: 'POST',
};

describe('EventSpan', () => {
  it('converts epoch milliseconds to HrTime exactly enough', () => {
    assert.deepEqual(hrTime(1_700_000_000_123.5), [1_700_000_000, 123_500_000]);
    assert.deepEqual(hrTime(0), [0, 0]);
    assert.deepEqual(hrTime(999.9999999), [1, 0]);
  });

  it('carries the given ids; a server parent is remote, a client parent is local', () => {
    const s = new EventSpan(src, 'POST api', SpanKind.SERVER, ids, 1000, 1012, true, {});
    assert.deepEqual(s.spanContext(), { traceId: ids.traceId, spanId: ids.spanId, traceFlags: 1 });
    assert.equal(s.parentSpanContext?.spanId, ids.parentSpanId);
    assert.equal(s.parentSpanContext?.isRemote, true);
    assert.equal(s.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(s.duration, [0, 12_000_000]);
    const c = new EventSpan(src, 'POST', SpanKind.CLIENT, ids, 1000, 1001, false, {});
    assert.equal(c.parentSpanContext?.isRemote, false);
    const root = new EventSpan(src, 'GET', SpanKind.SERVER, { ...ids, parentSpanId: '' }, 1, 2, false, {});
    assert.equal(root.parentSpanContext, undefined);
    assert.equal(root.status.code, SpanStatusCode.UNSET);
  });
});

describe('span attributes (OTel HTTP semconv)', () => {
  it('server: method, route, path, status, Keel error code as error.type', () => {
    const a = serverAttributes(done);
    assert.equal(a['http.request.method'], 'POST');
    assert.equal(a['http.route'], 'api');
    assert.equal(a['url.path'], '/orders');
    assert.equal(a['http.response.status_code'], 502);
    assert.equal(a['error.type'], 'KEEL_ERR_UPSTREAM_CONNECT');
    assert.equal(a['keel.tries'], 2);
    assert.equal(serverErrorType({ ...done, status: 404, errorCode: 'KEEL_ERR_ROUTE_NOT_FOUND' }), '');
    assert.equal(serverErrorType({ ...done, status: 503, errorCode: '' }), '503');
  });

  it('client: peer address and port, retry number, breaker state, error kind', () => {
    const a = clientAttributes(tried, new OriginCache().get(tried.url));
    assert.equal(a['server.address'], '::1');
    assert.equal(a['server.port'], 8081);
    assert.equal(a['keel.retry.attempt'], 1);
    assert.equal(a['http.request.resend_count'], 1);
    assert.equal(a['keel.breaker.state'], 'half_open');
    assert.equal(a['keel.upstream.host'], 'app-1');
    assert.equal(a['error.type'], 'connect');
    assert.equal(a['http.response.status_code'], undefined);
    assert.equal(clientErrorType({ ...tried, error: '', status: 404 }), '404');
    assert.equal(clientErrorType({ ...tried, error: '', status: 204 }), '');
  });

  it('parses default ports', () => {
    const o = new OriginCache();
    assert.deepEqual(o.get('https://api.test'), { address: 'api.test', port: 443 });
    assert.deepEqual(o.get('http://api.test'), { address: 'api.test', port: 80 });
  });
});
