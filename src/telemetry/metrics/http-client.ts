/**
 * Upstream tries, apart from client requests (OTel semconv `http.client.request.duration`):
 * a request that was retried or hedged shows one series sample per try, labelled keel_try.
 * A try that failed without a response carries `error_type` (OTel error.type: connect, timeout,
 * reset, idle, aborted, breaker_open, other) and an empty status code.
 */
import type { Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';
import { ChildCache } from './child-cache.js';
import { FastHistogram, type HistogramCell } from './fast-series.js';
import { DURATION_BUCKETS, tryKind } from './labels.js';

export function subscribeHttpClient(bus: EventBus, registry: Registry): () => void {
  const duration = new FastHistogram({
    name: 'http_client_request_duration_seconds',
    help: 'Duration of upstream tries, including retries and hedges (OTel http.client.request.duration).',
    labelNames: ['keel_pool', 'server_address', 'http_response_status_code', 'error_type', 'keel_try'],
    buckets: DURATION_BUCKETS,
    registry,
  });
  // The outcome key is the status, or the error kind when the try got no response.
  const observers = new ChildCache<HistogramCell>(4, ([pool, host, outcome, kind]) => {
    const failed = Number.isNaN(Number(outcome));
    return duration.cell([pool!, host!, failed ? '' : outcome!, failed ? outcome! : '', kind!]);
  });
  const off = bus.on('try.done', (e) => {
    const outcome = e.error === '' ? e.status : e.error;
    observers.get(e.pool, e.host, outcome, tryKind(e.attempt, e.hedge)).observe(e.durationMs / 1000);
  });
  return off;
}
