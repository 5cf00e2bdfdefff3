import type { Random } from '../../core/random.js';
import { countAllowed, filtering, nthAllowed, randomIndex } from './candidates.js';
import type { Balancer, BalancerHost, BalancerOptions, PickContext } from './types.js';

/**
 * Power of two choices over load × latency (the default; cf. Finagle's and Linkerd's P2C + peak
 * EWMA, traefik pkg/server/service/loadbalancer/p2c). Two distinct hosts are drawn at random and
 * the one with the lower cost (inFlight + 1) × latencyEwma / weight wins.
 *
 * Why two random choices rather than the global minimum: every Keel worker sees only its own
 * in-flight counts and latency samples, which are stale the moment they are read; always taking
 * the minimum makes all workers stampede the same "best" host, while two random choices spread
 * load almost as well as the minimum (Mitzenmacher 2001) and never starve a host completely.
 *
 * A host with no latency sample yet (latencyEwma 0: new, or back from ejection) takes the other
 * candidate's latency: neutral, so it is compared on in-flight load alone and gets tried, instead
 * of either winning every draw (0 cost) and taking a burst, or never being chosen at all.
 *
 * So does a host whose latest sample is STALE_MS older than its rival's: a host that was slow
 * wins no draw, gets no sample and would never be tried again, though it may have recovered long
 * ago. Judged on load alone it takes a few requests (a hedge bounds what they cost,
 * docs/proxying.md "Hedging"), and their answers say whether it is still slow. Comparing the two
 * hosts' sample times needs no clock read.
 */
export class P2cEwmaBalancer<H extends BalancerHost = BalancerHost> implements Balancer<H> {
  readonly algorithm = 'p2c_ewma';
  #hosts: readonly H[] = [];
  readonly #random: Random;

  constructor(opts: BalancerOptions) {
    this.#random = opts.random;
  }

  update(hosts: readonly H[]): void {
    this.#hosts = hosts.slice();
  }

  pick(ctx: PickContext): H | undefined {
    const hosts = this.#hosts;
    const n = hosts.length;
    if (n < 2) return hosts[0];
    const exclude = ctx.exclude;
    if (filtering(exclude)) {
      const allowed = countAllowed(hosts, exclude);
      if (allowed === 1) return nthAllowed(hosts, exclude, 0);
      if (allowed > 1) {
        const i = randomIndex(this.#random, allowed);
        let j = randomIndex(this.#random, allowed - 1);
        if (j >= i) j++;
        return cheaper(nthAllowed(hosts, exclude, i), nthAllowed(hosts, exclude, j));
      }
      // Every host was excluded: choose among all.
    }
    const i = randomIndex(this.#random, n);
    let j = randomIndex(this.#random, n - 1);
    if (j >= i) j++; // distinct without a retry loop: j ranges over the n - 1 others
    return cheaper(hosts[i]!, hosts[j]!);
  }
}

/** Five half-lives of the hosts' latency EWMA (upstream/host.ts): its old value weighs 3 %. */
export const STALE_MS = 10_000;

function cheaper<H extends BalancerHost>(a: H, b: H): H {
  let la = a.latencyEwma;
  let lb = b.latencyEwma;
  if (la > 0 && lb > 0) {
    const age = (b.latencyAt ?? 0) - (a.latencyAt ?? 0);
    if (age > STALE_MS) la = 0;
    else if (age < -STALE_MS) lb = 0;
  }
  if (la <= 0) la = lb > 0 ? lb : 1; // unknown: neutral, see the class comment
  if (lb <= 0) lb = la;
  const costA = ((a.inFlight + 1) * la) / a.weight;
  const costB = ((b.inFlight + 1) * lb) / b.weight;
  return costB < costA ? b : a;
}
