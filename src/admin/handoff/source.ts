/**
 * Gathers one process's handoff inputs from live signals: the gateway's pool views, the load
 * sampler, the change ring, route breakers and the traffic window (each subscribed to the bus
 * once, at startup — before the startup config.reload is published).
 */
import type { Config } from '../../config/types.js';
import { type Clock, systemClock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import type { ListenerTlsView } from '../../proxy/tls/view.js';
import type { PoolView } from '../../proxy/upstream/types.js';
import { ChangeRing, subscribeChanges } from '../../telemetry/changes.js';
import { type ProcessLoad, ProcessLoadSampler } from '../../telemetry/process-load.js';
import { RouteBreakerBoard } from '../../telemetry/route-breakers.js';
import { subscribeTraffic, TrafficWindow } from '../../telemetry/traffic-window.js';
import type { FiringAlert, HandoffInputs, PolicyActionView, PoolConcurrency } from './types.js';

export interface HandoffSourceDeps {
  bus: EventBus;
  gateway: { pools(): PoolView[]; tls?(): ListenerTlsView[]; readonly draining: boolean };
  state: { config: Config; version: string; shuttingDown: boolean };
  clock?: Clock;
  /** Firing alerts (the SLO engine plugs in here); none by default. */
  alerts?: () => FiringAlert[];
  /** SLO budget policy actions in force; none by default. */
  policyActions?: () => PolicyActionView[];
  /** A shared sampler (e.g. the metrics room's); one is created and owned otherwise. */
  load?: { read(): ProcessLoad };
}

export interface HandoffSource {
  inputs(): HandoffInputs;
  close(): void;
}

export function createHandoffSource(d: HandoffSourceDeps): HandoffSource {
  const clock = d.clock ?? systemClock;
  const ring = new ChangeRing(100);
  const board = new RouteBreakerBoard();
  const traffic = new TrafficWindow(60);
  const owned = d.load ? null : new ProcessLoadSampler({ clock });
  const load = d.load ?? owned!;
  const offs = [
    subscribeChanges(d.bus, ring, clock),
    board.subscribe(d.bus),
    subscribeTraffic(d.bus, traffic),
  ];
  return {
    inputs: () => {
      const pools = d.gateway.pools();
      const config = d.state.config;
      const now = clock.now();
      return {
        now,
        config_version: d.state.version,
        draining: d.state.shuttingDown || d.gateway.draining,
        workers: 1,
        pools,
        optional_pools: Object.values(config.pools)
          .filter((p) => p.optional)
          .map((p) => p.name),
        concurrency: concurrencyOf(pools, config),
        load: load.read(),
        route_breakers: board.list(),
        alerts: d.alerts?.() ?? [],
        policy_actions: d.policyActions?.() ?? [],
        tls: d.gateway.tls?.() ?? [],
        changes: ring.list(),
        traffic: traffic.snapshot(now),
      };
    },
    close: () => {
      for (const off of offs) off();
      owned?.stop();
    },
  };
}

export function concurrencyOf(pools: PoolView[], config: Config): PoolConcurrency[] {
  return pools.map((p) => ({
    pool: p.name,
    in_flight: p.in_flight,
    limit: config.pools[p.name]?.concurrency.max_in_flight ?? 0,
  }));
}
