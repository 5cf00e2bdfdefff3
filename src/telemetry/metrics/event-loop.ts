/**
 * Event-loop utilisation (the USE method's "utilisation" for a Node process): the share of time
 * the loop was busy since the previous scrape, from performance.eventLoopUtilization() deltas.
 * prom-client's default metrics cover the delay (nodejs_eventloop_lag_*), not the utilisation.
 */
import { performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

type Elu = ReturnType<typeof performance.eventLoopUtilization>;

export function registerEventLoopUtilization(
  registry: Registry,
  read: () => Elu = () => performance.eventLoopUtilization(),
): void {
  let last = read();
  new Gauge({
    name: 'nodejs_eventloop_utilization',
    help: 'Share of time (0..1) the event loop was busy since the previous scrape.',
    registers: [registry],
    // Workers are averaged: the utilisation of "the gateway" is the mean of its processes.
    aggregator: 'average',
    collect() {
      const now = read();
      this.set(utilizationBetween(last, now));
      last = now;
    },
  });
}

/** Busy share between two cumulative readings (the idle and active times only grow). */
export function utilizationBetween(prev: Elu, now: Elu): number {
  const idle = now.idle - prev.idle;
  const active = now.active - prev.active;
  return idle + active > 0 ? active / (idle + active) : 0;
}
