import type { Random } from '../../core/random.js';
import { filtering, randomIndex } from './candidates.js';
import type { Balancer, BalancerHost, BalancerOptions, PickContext } from './types.js';

/**
 * Least connections: the host with the fewest requests in flight relative to its weight
 * (inFlight / weight, compared by cross-multiplication so equal ratios tie exactly for integers).
 * Ties are broken uniformly at random (count them, then take the k-th; no allocation): when
 * all hosts are idle, always taking the first would send every request of a quiet period to it.
 */
export class LeastConnBalancer<H extends BalancerHost = BalancerHost> implements Balancer<H> {
  readonly algorithm = 'least_conn';
  #hosts: readonly H[] = [];
  readonly #random: Random;

  constructor(opts: BalancerOptions) {
    this.#random = opts.random;
  }

  update(hosts: readonly H[]): void {
    this.#hosts = hosts.slice();
  }

  pick(ctx: PickContext): H | undefined {
    if (filtering(ctx.exclude)) return this.#scan(ctx.exclude) ?? this.#scan(undefined);
    return this.#scan(undefined);
  }

  #scan(exclude: ReadonlySet<string> | undefined): H | undefined {
    const hosts = this.#hosts;
    // Pass 1: the lowest load and how many hosts share it.
    let best: H | undefined;
    let ties = 0;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (exclude?.has(h.id)) continue;
      if (best === undefined) {
        best = h;
        ties = 1;
        continue;
      }
      // h.inFlight / h.weight vs best.inFlight / best.weight, both weights > 0.
      const d = h.inFlight * best.weight - best.inFlight * h.weight;
      if (d < 0) {
        best = h;
        ties = 1;
      } else if (d === 0) ties++;
    }
    if (ties < 2) return best;
    // Pass 2, only on a tie: the k-th tied host, k uniform (one random draw per pick).
    let k = randomIndex(this.#random, ties);
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (exclude?.has(h.id)) continue;
      if (h.inFlight * best!.weight === best!.inFlight * h.weight && k-- === 0) return h;
    }
    return best;
  }
}
