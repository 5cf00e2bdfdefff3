import type { Random } from '../../core/random.js';
import { randomIndex } from './candidates.js';
import type { Balancer, BalancerHost, BalancerOptions, PickContext } from './types.js';

/**
 * Round robin: each host in turn, ignoring weights and load. Predictable and fair when hosts are
 * identical. The starting position is random so that many Keel workers started together do not
 * send their first requests to the same host in lockstep.
 */
export class RoundRobinBalancer<H extends BalancerHost = BalancerHost> implements Balancer<H> {
  readonly algorithm = 'round_robin';
  #hosts: readonly H[] = [];
  #next = -1; // -1 until the first non-empty update picks a random start
  readonly #random: Random;

  constructor(opts: BalancerOptions) {
    this.#random = opts.random;
  }

  update(hosts: readonly H[]): void {
    this.#hosts = hosts.slice();
    // Keep the position across updates (fairness); pick() wraps it if the set shrank.
    if (this.#next < 0 && hosts.length > 0) this.#next = randomIndex(this.#random, hosts.length);
  }

  pick(ctx: PickContext): H | undefined {
    const hosts = this.#hosts;
    const n = hosts.length;
    if (n === 0) return undefined;
    let i = this.#next < n ? this.#next : 0;
    const exclude = ctx.exclude;
    if (exclude !== undefined && exclude.size > 0) {
      for (let step = 0; step < n; step++) {
        const h = hosts[i]!;
        i = i + 1 === n ? 0 : i + 1;
        if (!exclude.has(h.id)) {
          this.#next = i;
          return h;
        }
      }
      // Every host was excluded: after n steps i is back at the start; choose among all.
    }
    this.#next = i + 1 === n ? 0 : i + 1;
    return hosts[i];
  }
}
