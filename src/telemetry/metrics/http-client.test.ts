import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { EventBus } from '../../core/events.js';
import { subscribeHttpClient } from './http-client.js';
import { tried, value } from './metrics.test-util.js';

const H = 'http_client_request_duration_seconds';
const C = `${H}_count`;

describe('http client (upstream try) metrics', () => {
  it('shows retries and hedges as extra tries, by host and outcome', async () => {
    const bus = new EventBus();
    const registry = new Registry();
    subscribeHttpClient(bus, registry);
    const ch = bus.channel('try.done');
    ch.publish(tried({ host: 'h1', status: 0, error: 'connect' }));
    ch.publish(tried({ host: 'h2', attempt: 1, status: 200 }));
    ch.publish(tried({ host: 'h3', attempt: 1, hedge: true, status: 0, error: 'aborted' }));
    ch.publish(tried({ host: 'h2', status: 503, durationMs: 300 }));
    const base = { keel_pool: 'app' };
    assert.equal(
      await value(
        registry,
        H,
        { ...base, server_address: 'h1', error_type: 'connect', keel_try: 'first' },
        C,
      ),
      1,
    );
    assert.equal(
      await value(registry, H, { ...base, server_address: 'h1', http_response_status_code: '' }, C),
      1,
    );
    assert.equal(
      await value(
        registry,
        H,
        { ...base, server_address: 'h2', http_response_status_code: 200, keel_try: 'retry' },
        C,
      ),
      1,
    );
    assert.equal(
      await value(
        registry,
        H,
        { ...base, server_address: 'h3', error_type: 'aborted', keel_try: 'hedge' },
        C,
      ),
      1,
    );
    const failed503 = { ...base, server_address: 'h2', http_response_status_code: 503, error_type: '' };
    assert.equal(await value(registry, H, { ...failed503, le: 0.25 }, `${H}_bucket`), 0);
    assert.equal(await value(registry, H, { ...failed503, le: 0.5 }, `${H}_bucket`), 1);
  });
});
