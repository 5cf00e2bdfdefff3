/** The links an exchange carries while it is in flight (the Exchange class has these fields). */
export interface LiveNode {
  livePrev: LiveNode | null;
  liveNext: LiveNode | null;
  /** True between add() and delete(): deleting twice, or an exchange never added, is a no-op. */
  inLive: boolean;
}

/**
 * The gateway's in-flight exchanges (deadline sweep, drain, close) as an intrusive doubly linked
 * list: add and delete are O(1) and allocate nothing, and a deleted exchange keeps no link to
 * the list or its neighbours.
 *
 * Why not a Set: measured with the bench setup (bench/run.sh, one worker, wrk -c64), tracking
 * exchanges in a `Set` made every scavenge keep ~1.6 MB of request objects alive and promote
 * them to the old generation (`--trace-gc-nvp`: promoted ≈ 1.6 MB per scavenge against 0.18 MB
 * without it; scavenge pauses 3.9 ms against 1.4 ms; old-space garbage collected by a
 * mark-compact every ~2 s). With this list the promotion is gone (docs/benchmarks.md).
 */
export class LiveList<T extends LiveNode> {
  #head: T | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(n: T): void {
    if (n.inLive) return;
    n.inLive = true;
    n.livePrev = null;
    n.liveNext = this.#head;
    if (this.#head !== null) this.#head.livePrev = n;
    this.#head = n;
    this.#size++;
  }

  delete(n: T): boolean {
    if (!n.inLive) return false;
    n.inLive = false;
    const prev = n.livePrev as T | null;
    const next = n.liveNext as T | null;
    if (prev !== null) prev.liveNext = next;
    else this.#head = next;
    if (next !== null) next.livePrev = prev;
    n.livePrev = null;
    n.liveNext = null;
    this.#size--;
    return true;
  }

  /** A copy, so callers may end (and delete) exchanges while they walk it. */
  toArray(): T[] {
    const out: T[] = [];
    for (let n = this.#head; n !== null; n = n.liveNext as T | null) out.push(n);
    return out;
  }
}
