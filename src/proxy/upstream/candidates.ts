import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import type { Balancer } from '../balancer/types.js';
import type { Host } from './host.js';
import type { UpstreamHost } from './types.js';

/**
 * The set of hosts the balancer chooses from, recomputed only when a host's state changes
 * (health, ejection, breaker, membership) — never per pick.
 *
 * Panic mode (docs/health.md, "Panic mode"): when fewer than panic_threshold_percent of the hosts
 * are available, the pool routes to all of them. With most of a pool marked bad the likelier fault
 * is the checks or a shared dependency, and concentrating all load on the survivors would take them
 * down too. With no available host at all the pool also routes to all: the contract is that pick()
 * fails only for an empty pool, and a host's breaker still refuses locally in tryStart.
 */
export class CandidateSet {
  readonly #pool: string;
  readonly #hosts: readonly Host[];
  readonly #thresholdPercent: number;
  readonly #balancer: Balancer<UpstreamHost>;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  #recomputing = false;
  #dirty = false;
  available = 0;
  panic = false;

  constructor(
    pool: string,
    hosts: readonly Host[],
    thresholdPercent: number,
    balancer: Balancer<UpstreamHost>,
    deps: { bus: EventBus; clock: Clock },
  ) {
    this.#pool = pool;
    this.#hosts = hosts;
    this.#thresholdPercent = thresholdPercent;
    this.#balancer = balancer;
    this.#bus = deps.bus;
    this.#clock = deps.clock;
  }

  recompute(): void {
    // Re-entrancy: a balancer or subscriber that triggers another change while we publish gets
    // one more pass instead of a nested one.
    if (this.#recomputing) {
      this.#dirty = true;
      return;
    }
    this.#recomputing = true;
    try {
      do {
        this.#dirty = false;
        this.#once();
      } while (this.#dirty);
    } finally {
      this.#recomputing = false;
    }
  }

  #once(): void {
    const available = this.#hosts.filter((h) => h.available);
    const total = this.#hosts.length;
    const panic =
      total > 0 && (available.length === 0 || (available.length * 100) / total < this.#thresholdPercent);
    this.available = available.length;
    this.#balancer.update(panic ? this.#hosts : available);
    if (panic !== this.panic) {
      this.panic = panic;
      const ch = this.#bus.channel('pool.panic');
      if (ch.active) {
        ch.publish({ pool: this.#pool, panic, available: available.length, total, at: this.#clock.now() });
      }
    }
  }
}
