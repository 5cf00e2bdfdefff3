import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SloConfig } from '../../config/types.js';
import { EventBus } from '../../core/events.js';
import { subscribeHttpServer } from './http-server.js';
import { DURATION_BUCKETS, durationBuckets } from './labels.js';
import { done, series, value } from './metrics.test-util.js';

const H = 'http_server_request_duration_seconds';

function setup() {
  const bus = new EventBus();
  const registry = new Registry();
  const off = subscribeHttpServer(bus, registry);
  return { bus, registry, off };
}

describe('http server metrics', () => {
  it('counts requests per route, pool, method and status, in seconds', async () => {
    const { bus, registry } = setup();
    const ch = bus.channel('request.done');
    for (let i = 0; i < 3; i++) ch.publish(done({ durationMs: 150 }));
    ch.publish(done({ status: 503, durationMs: 40 }));
    const ok = {
      http_route: 'api',
      keel_pool: 'app',
      http_request_method: 'GET',
      http_response_status_code: 200,
    };
    assert.equal(await value(registry, H, ok, `${H}_count`), 3);
    assert.ok(Math.abs((await value(registry, H, ok, `${H}_sum`)) - 0.45) < 1e-9);
    assert.equal(await value(registry, H, { ...ok, le: 0.1 }, `${H}_bucket`), 0);
    assert.equal(await value(registry, H, { ...ok, le: 0.2 }, `${H}_bucket`), 3);
    assert.equal(await value(registry, H, { ...ok, http_response_status_code: 503 }, `${H}_count`), 1);
  });

  it('has buckets at the usual SLO thresholds', async () => {
    const { bus, registry } = setup();
    bus.channel('request.done').publish(done());
    const les = (await series(registry, H)).map((l) => l.le).filter((le) => le !== undefined);
    for (const t of [0.1, 0.2, 0.25, 0.5, 1, '+Inf']) assert.ok(les.includes(t), `bucket ${t}`);
  });

  it('adds every latency SLO threshold as a bucket, so le answers it exactly (keel slo rules)', async () => {
    const latency = (ms: number) => ({ kind: 'latency', latency_threshold: ms }) as SloConfig;
    const other = { kind: 'availability', latency_threshold: null } as SloConfig;
    assert.equal(durationBuckets([other, latency(200)]), DURATION_BUCKETS, 'already a bucket: unchanged');
    const buckets = durationBuckets([latency(300), latency(300), latency(1500), other]);
    assert.deepEqual(buckets, [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 1, 1.5, 2.5, 5, 10]);
    const bus = new EventBus();
    const registry = new Registry();
    subscribeHttpServer(bus, registry, buckets);
    bus.channel('request.done').publish(done({ durationMs: 300 }));
    bus.channel('request.done').publish(done({ durationMs: 301 }));
    const labels = { http_route: 'api', http_request_method: 'GET', http_response_status_code: 200 };
    assert.equal(await value(registry, H, { ...labels, le: 0.3 }, `${H}_bucket`), 1);
  });

  it('names unmatched requests "unmatched" and folds unknown methods into _OTHER', async () => {
    const { bus, registry } = setup();
    bus.channel('request.done').publish(done({ route: '', pool: '', status: 404, method: 'BREW' }));
    const labels = { http_route: 'unmatched', http_request_method: '_OTHER', http_response_status_code: 404 };
    assert.equal(await value(registry, H, labels, `${H}_count`), 1);
  });

  it('tracks in-flight requests per route from request.start to request.done', async () => {
    const { bus, registry } = setup();
    const start = { requestId: 'r', route: 'api', pool: 'app', method: 'GET', at: 0 };
    bus.channel('request.start').publish(start);
    bus.channel('request.start').publish(start);
    const G = 'keel_requests_in_flight';
    assert.equal(await value(registry, G, { http_route: 'api', keel_pool: 'app' }), 2);
    bus.channel('request.done').publish(done());
    bus.channel('request.done').publish(done({ route: '', pool: '' })); // unmatched: never started
    assert.equal(await value(registry, G, { http_route: 'api', keel_pool: 'app' }), 1);
    assert.ok(!(await series(registry, G)).some((l) => l.http_route === ''));
  });

  it('stops recording once unsubscribed', async () => {
    const { bus, registry, off } = setup();
    off();
    assert.equal(bus.channel('request.done').active, false);
    assert.equal((await series(registry, H)).length, 0);
  });
});
