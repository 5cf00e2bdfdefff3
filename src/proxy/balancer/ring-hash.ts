import type { Random } from '../../core/random.js';
import { countAllowed, filtering, randomAllowed } from './candidates.js';
import { hash32 } from './hash.js';
import type { Balancer, BalancerHost, BalancerOptions, PickContext } from './types.js';

/** Virtual nodes per unit of weight (Ketama uses 160 per server): enough to keep shares within a few %. */
export const VNODES_PER_WEIGHT = 160;
/** Room for host indices below the 32-bit hash in one float64 sort key (2^32 × 2^20 < 2^53). */
const INDEX_SPACE = 1 << 20;

/**
 * Consistent hashing for sharding (Karger et al. 1997; Ketama): each host owns
 * round(160 × weight) points on a 32-bit ring at hash32(`${id}#${i}`); a key belongs to the first
 * point clockwise from hash32(key). Points depend only on (id, weight), so when a host leaves only
 * the keys it owned move (to its clockwise neighbours), and when it comes back they return.
 *
 * The ring is rebuilt in update() only when the ids or point counts change; pick() is a binary
 * search over a Uint32Array. Excluded hosts are skipped by walking on clockwise, which is also
 * where those keys would go if the host left. Without a key the pick is random.
 */
export class RingHashBalancer<H extends BalancerHost = BalancerHost> implements Balancer<H> {
  readonly algorithm = 'ring_hash';
  #hosts: readonly H[] = [];
  #ids: string[] = [];
  #vnodes: number[] = [];
  #points = new Uint32Array(0);
  #owners = new Uint32Array(0);
  readonly #random: Random;

  constructor(opts: BalancerOptions) {
    this.#random = opts.random;
  }

  update(hosts: readonly H[]): void {
    const vnodes = hosts.map((h) => Math.max(1, Math.round(VNODES_PER_WEIGHT * h.weight)));
    const ids = hosts.map((h) => h.id);
    this.#hosts = hosts.slice();
    if (sameList(ids, this.#ids) && sameList(vnodes, this.#vnodes)) return;
    this.#ids = ids;
    this.#vnodes = vnodes;
    this.#build();
  }

  #build(): void {
    let total = 0;
    for (const v of this.#vnodes) total += v;
    // One numeric sort of (hash, index) packed in a float64: no comparator calls, ties by index.
    const keys = new Float64Array(total);
    let k = 0;
    for (let i = 0; i < this.#ids.length; i++) {
      const id = this.#ids[i]!;
      for (let v = 0; v < this.#vnodes[i]!; v++) keys[k++] = hash32(`${id}#${v}`) * INDEX_SPACE + i;
    }
    keys.sort();
    this.#points = new Uint32Array(total);
    this.#owners = new Uint32Array(total);
    for (let p = 0; p < total; p++) {
      const key = keys[p]!;
      const owner = key % INDEX_SPACE;
      this.#owners[p] = owner;
      this.#points[p] = (key - owner) / INDEX_SPACE;
    }
  }

  pick(ctx: PickContext): H | undefined {
    const hosts = this.#hosts;
    if (hosts.length === 0) return undefined;
    if (ctx.key === undefined) return randomAllowed(hosts, ctx.exclude, this.#random);
    const points = this.#points;
    const owners = this.#owners;
    const size = points.length;
    const h = hash32(ctx.key);
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    if (lo === size) lo = 0; // past the last point: wrap around the ring
    const owner = hosts[owners[lo]!]!;
    const exclude = ctx.exclude;
    if (!filtering(exclude) || !exclude.has(owner.id)) return owner;
    if (countAllowed(hosts, exclude) === 0) return owner;
    for (let step = 1, p = lo; step < size; step++) {
      p = p + 1 === size ? 0 : p + 1;
      const next = hosts[owners[p]!]!;
      if (!exclude.has(next.id)) return next;
    }
    return owner;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
