import { filtering } from './candidates.js';
import type { Balancer, BalancerHost, PickContext } from './types.js';

/**
 * Smooth weighted round robin, as in nginx (ngx_http_upstream_get_peer): every pick adds each
 * host's weight to its current score, takes the highest score and subtracts the total weight from
 * it. Weights {a:5, b:1, c:1} give a a b a c a a: the heavy host's turns are spread out instead
 * of bunched (a a a a a b c), so a weighted host never takes a burst.
 *
 * The live `weight` is read on every pick, so a host in slow start ramps up smoothly. Scores
 * sum to zero over the participating hosts, so changing weights cannot make them drift.
 */
export class WeightedRoundRobinBalancer<H extends BalancerHost = BalancerHost> implements Balancer<H> {
  readonly algorithm = 'weighted_round_robin';
  #hosts: readonly H[] = [];
  #current = new Float64Array(0);

  update(hosts: readonly H[]): void {
    // Keep the scores of hosts that stay, so an update does not restart the cycle; rare, may allocate.
    const previous = new Map<string, number>();
    for (let i = 0; i < this.#hosts.length; i++) previous.set(this.#hosts[i]!.id, this.#current[i]!);
    const current = new Float64Array(hosts.length);
    for (let i = 0; i < hosts.length; i++) current[i] = previous.get(hosts[i]!.id) ?? 0;
    this.#hosts = hosts.slice();
    this.#current = current;
  }

  pick(ctx: PickContext): H | undefined {
    let i = -1;
    if (filtering(ctx.exclude)) i = this.#choose(ctx.exclude);
    if (i < 0) i = this.#choose(undefined);
    return i < 0 ? undefined : this.#hosts[i];
  }

  #choose(exclude: ReadonlySet<string> | undefined): number {
    const hosts = this.#hosts;
    const current = this.#current;
    let total = 0;
    let best = -1;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (exclude?.has(h.id)) continue;
      const w = h.weight;
      const c = current[i]! + w;
      current[i] = c;
      total += w;
      // Strictly greater: ties go to the earlier host, which is what gives nginx's exact sequence.
      if (best < 0 || c > current[best]!) best = i;
    }
    if (best >= 0) current[best] = current[best]! - total;
    return best;
  }
}
