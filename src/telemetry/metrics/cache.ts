/**
 * Edge-cache metrics (docs/caching.md, "Observed"; docs/metrics.md, "Edge cache"): what each
 * request got from the cache (from request.done's `cache` outcome), revalidations (cache.revalidate
 * events), and the stores' size, evictions and Redis health read at scrape time. Label values are
 * bounded by the routes and the outcome enums.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus } from '../../core/events.js';
import { ChildCache } from './child-cache.js';
import { FastCounter } from './fast-series.js';
import type { MetricsSource } from './source.js';

type Inc = { inc(): void };

/** request.done `cache` value → the `result` label; the stale ones also count by reason. */
const RESULT: Readonly<Record<string, string>> = {
  hit: 'hit',
  miss: 'miss',
  pass: 'pass',
  coalesced: 'coalesced',
  revalidated: 'revalidated',
  expired: 'expired',
  'only-if-cached': 'miss',
  'stale-while-revalidate': 'stale',
  'stale-if-error': 'stale',
  'max-stale': 'stale',
};

export function subscribeCache(bus: EventBus, registry: Registry, source: MetricsSource): () => void {
  // Per request: plain cells (fast-series.ts), not prom-client's label hashing.
  const requests = new FastCounter({
    name: 'keel_cache_requests_total',
    help: 'Requests on caching routes by cache result (hit|miss|stale|revalidated|expired|coalesced|pass).',
    labelNames: ['route', 'result'],
    registry,
  });
  const stale = new FastCounter({
    name: 'keel_cache_stale_total',
    help: 'Stale answers by reason (stale_while_revalidate|stale_if_error|max_stale).',
    labelNames: ['route', 'reason'],
    registry,
  });
  const revalidations = new Counter({
    name: 'keel_cache_revalidations_total',
    help: 'Revalidations of stored responses upstream by result (not_modified|modified|failed) and mode (foreground|background).',
    labelNames: ['route', 'result', 'mode'],
    registers: [registry],
  });
  const byResult = new ChildCache<Inc>(2, (v) => requests.cell(v));
  const byReason = new ChildCache<Inc>(2, (v) => stale.cell(v));
  const revals = new ChildCache<Inc>(3, (v) => revalidations.labels(...v));
  const offs = [
    bus.on('request.done', (e) => {
      if (e.cache === '') return;
      const result = RESULT[e.cache];
      if (result === undefined) return;
      byResult.get(e.route, result).inc();
      if (result === 'stale') byReason.get(e.route, e.cache.replaceAll('-', '_')).inc();
    }),
    bus.on('cache.revalidate', (e) => {
      revals.get(e.route, e.result, e.background ? 'background' : 'foreground').inc();
    }),
  ];
  const stats = () => source.cache?.() ?? null;
  // The machine store's figures: every worker reports the same, so workers are merged by max.
  new Gauge({
    name: 'keel_cache_entries',
    help: "Responses held in the machine's cache store (every worker reports the machine's figure).",
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.set(stats()?.entries ?? 0);
    },
  });
  new Gauge({
    name: 'keel_cache_bytes',
    help: "Bytes held in the machine's cache store (bodies, headers, keys and per-entry overhead).",
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.set(stats()?.bytes ?? 0);
    },
  });
  new Gauge({
    name: 'keel_cache_waiting',
    help: "Requests waiting on another request's fill of the same key (coalescing), summed over workers.",
    registers: [registry],
    collect() {
      this.set(stats()?.waiting ?? 0);
    },
  });
  // Cumulative counts kept by the stores, exposed as counters at scrape time.
  new Counter({
    name: 'keel_cache_evictions_total',
    help: "Entries evicted from the machine's cache store to make room (LRU by bytes).",
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.reset();
      this.inc(stats()?.evictions ?? 0);
    },
  });
  new Counter({
    name: 'keel_cache_redis_failures_total',
    help: 'Redis tier calls answered as a miss or no-op because Redis was slow or down.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats()?.redis?.failures ?? 0);
    },
  });
  new Gauge({
    name: 'keel_cache_redis_up',
    help: '1 while the Redis tier is connected; 0 while it is down (the cache carries on with memory alone).',
    registers: [registry],
    collect() {
      const r = stats()?.redis ?? null;
      this.reset();
      if (r !== null) this.set(r.up ? 1 : 0);
    },
  });
  return () => {
    for (const off of offs) off();
  };
}
