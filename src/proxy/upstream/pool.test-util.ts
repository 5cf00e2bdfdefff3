import { DEFAULT_POOL } from '../../config/defaults.js';
import type { PoolConfig } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { EventBus, type EventName, type KeelEvents } from '../../core/events.js';
import { seededRandom } from '../../core/random.js';
import { createBalancer } from '../balancer/index.js';
import type { Balancer, PickContext } from '../balancer/types.js';
import { createPool } from './pool.js';
import { ManualScheduler } from './timers.js';
import type { UpstreamHost, UpstreamPool } from './types.js';

// Named *.test-util.ts so the package "files" rule keeps it out of the tarball.

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** A pool config with the documented defaults (config/defaults.ts); hosts point at closed ports (no traffic is sent). */
export function poolConfig(over: DeepPartial<PoolConfig> & { hostCount?: number } = {}): PoolConfig {
  const n = over.hostCount ?? 3;
  const base: PoolConfig = {
    name: 'web',
    hosts: Array.from({ length: n }, (_, i) => ({
      url: `http://127.0.0.1:${1 + i}`,
      weight: 1,
      name: `h${i}`,
    })),
    ...DEFAULT_POOL,
    balancer: { algorithm: 'round_robin', hash_key: null },
    // Breakers off unless a test turns them on: most tests here are about ejection and health.
    breaker: { ...DEFAULT_POOL.breaker, enabled: false },
  };
  return merge(base, over) as PoolConfig;
}

function merge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (
    typeof a !== 'object' ||
    a === null ||
    Array.isArray(a) ||
    typeof b !== 'object' ||
    b === null ||
    Array.isArray(b)
  )
    return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) if (k !== 'hostCount') out[k] = merge(out[k], v);
  return out;
}

/** Wraps a real balancer and records every candidate set it is given. */
export class SpyBalancer implements Balancer<UpstreamHost> {
  readonly #inner: Balancer<UpstreamHost>;
  readonly updates: string[][] = [];
  constructor(inner: Balancer<UpstreamHost>) {
    this.#inner = inner;
  }
  get algorithm(): string {
    return this.#inner.algorithm;
  }
  update(hosts: readonly UpstreamHost[]): void {
    this.updates.push(hosts.map((h) => h.name));
    this.#inner.update(hosts);
  }
  pick(ctx: PickContext): UpstreamHost | undefined {
    return this.#inner.pick(ctx);
  }
  /** The latest candidate set, by host name. */
  get candidates(): string[] {
    return this.updates.at(-1) ?? [];
  }
}

export interface Harness {
  pool: UpstreamPool;
  clock: ManualClock;
  scheduler: ManualScheduler;
  bus: EventBus;
  spy: SpyBalancer;
  events: Array<{ name: EventName; e: unknown }>;
  host(name: string): UpstreamHost;
  /** Events of one channel, in order. */
  of<K extends EventName>(name: K): KeelEvents[K][];
}

const RECORDED: EventName[] = [
  'host.ejected',
  'host.restored',
  'pool.panic',
  'breaker.transition',
  'health.changed',
];

export function harness(config: PoolConfig): Harness {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const bus = new EventBus();
  const events: Harness['events'] = [];
  for (const name of RECORDED) bus.on(name, (e) => events.push({ name, e }));
  const random = seededRandom(7);
  const spy = new SpyBalancer(createBalancer<UpstreamHost>(config.balancer.algorithm, { random }));
  const pool = createPool(config, { bus, clock, random, scheduler, balancer: spy });
  return {
    pool,
    clock,
    scheduler,
    bus,
    spy,
    events,
    host(name) {
      const h = pool.hosts.find((x) => x.name === name);
      if (h === undefined) throw new Error(`no host ${name}`);
      return h;
    },
    of<K extends EventName>(name: K) {
      return events.filter((x) => x.name === name).map((x) => x.e as KeelEvents[K]);
    },
  };
}

/** Runs `n` tries on `host` ending with `status`, each taking `latencyMs`. */
export function respond(h: Harness, host: UpstreamHost, status: number, n = 1, latencyMs = 10): void {
  for (let i = 0; i < n; i++) {
    if (h.pool.tryStart(host)) h.pool.tryEnd(host, { kind: 'response', status, latencyMs });
  }
}

export function fail(
  h: Harness,
  host: UpstreamHost,
  error: 'connect' | 'reset' | 'timeout' | 'idle' | 'aborted' | 'other',
  n = 1,
): void {
  for (let i = 0; i < n; i++) {
    if (h.pool.tryStart(host)) h.pool.tryEnd(host, { kind: 'error', error, latencyMs: 5 });
  }
}
