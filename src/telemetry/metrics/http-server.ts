/**
 * RED for the requests clients send (OTel semconv `http.server.request.duration`, in Prometheus
 * form: base unit seconds, `_seconds` suffix, dots to underscores). The histogram's `_count` is
 * the request count and `_sum` the total time, so no separate request counter is kept.
 */
import type { Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';
import { ChildCache } from './child-cache.js';
import { FastGauge, FastHistogram, type GaugeCell, type HistogramCell } from './fast-series.js';
import { DURATION_BUCKETS, methodLabel, routeLabel } from './labels.js';

export function subscribeHttpServer(
  bus: EventBus,
  registry: Registry,
  buckets: readonly number[] = DURATION_BUCKETS,
): () => void {
  const duration = new FastHistogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of client requests, from arrival to the end of the response (OTel http.server.request.duration).',
    labelNames: ['http_route', 'keel_pool', 'http_request_method', 'http_response_status_code'],
    buckets,
    registry,
  });
  const inFlight = new FastGauge({
    name: 'keel_requests_in_flight',
    help: 'Client requests routed and not yet finished, per route.',
    labelNames: ['http_route', 'keel_pool'],
    registry,
  });
  const observers = new ChildCache<HistogramCell>(4, ([route, pool, method, status]) =>
    duration.cell([routeLabel(route!), pool!, method!, status!]),
  );
  const gauges = new ChildCache<GaugeCell>(2, (values) => inFlight.cell(values));
  const offs = [
    bus.on('request.start', (e) => gauges.get(e.route, e.pool).inc()),
    bus.on('request.done', (e) => {
      observers.get(e.route, e.pool, methodLabel(e.method), e.status).observe(e.durationMs / 1000);
      // request.start is published only for routed requests: only those come back down.
      if (e.route !== '') gauges.get(e.route, e.pool).dec();
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
