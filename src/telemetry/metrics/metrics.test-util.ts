/** Builders of synthetic data-plane events and readers of registry values, for the unit tests. */
import type { Registry } from 'prom-client';
import type { RequestDoneEvent, TryDoneEvent } from '../../core/events.js';

export function done(over: Partial<RequestDoneEvent> = {}): RequestDoneEvent {
  return {
    requestId: 'r1',
    route: 'api',
    pool: 'app',
    method: 'GET',
    path: '/x',
    status: 200,
    durationMs: 12,
    tries: 1,
    host: 'h1',
    errorCode: '',
    cache: '',
    shed: false,
    traceId: '',
    at: 0,
    ...over,
  } as RequestDoneEvent;
}

export function tried(over: Partial<TryDoneEvent> = {}): TryDoneEvent {
  return {
    requestId: 'r1',
    route: 'api',
    pool: 'app',
    host: 'h1',
    attempt: 0,
    hedge: false,
    status: 200,
    error: '',
    durationMs: 10,
    breakerState: 'closed',
    ...over,
  } as TryDoneEvent;
}

/** The value of one series (`sample` picks e.g. `_count` or `_bucket` of a histogram); 0 if absent. */
export async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string | number>,
  sample = name,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const hit = data.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === sample &&
      Object.entries(labels).every(
        ([k, want]) => String((v.labels as Record<string, unknown>)[k]) === String(want),
      ),
  );
  return hit?.value ?? 0;
}

/** Every series of a metric, as label objects (to assert what is absent). */
export async function series(registry: Registry, name: string): Promise<Array<Record<string, unknown>>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => ({ ...v.labels }));
}
