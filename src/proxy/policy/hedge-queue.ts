import type { Clock } from '../../core/clock.js';

/** What the queue holds: the exchange's try count tells a stale entry (a newer try started). */
export interface Hedgeable {
  readonly tries: number;
  readonly gw: { readonly clock: Clock };
  /** The queue it waits in and its slot there, so that it leaves when it ends (drop). */
  hedgeQueue: { drop(x: Hedgeable): void } | null;
  hedgeSlot: number;
}

/**
 * Requests waiting for their hedge time, in the order they became due, with ONE timer for all of
 * them instead of a timer per request (docs/architecture.md, "No allocation on the hot path": a
 * timer object per request is old-space garbage under load, docs/benchmarks.md "undici's
 * timers"). A route's requests share one delay, so their due times arrive almost in order and a
 * FIFO ring is enough; the timer targets the oldest entry, at least `minGap` apart, so one firing
 * serves every request that became due meanwhile.
 *
 * A request that ends leaves its slot (Exchange.stop calls drop), so the queue never keeps a
 * finished exchange alive — a reference held past a request's end can outlive two scavenges and
 * turn the exchange into old-space garbage (docs/benchmarks.md, "undici's timers"). An entry left
 * behind by a newer try of the same request is skipped when it comes due.
 */
export class HedgeQueue<X extends Hedgeable> {
  readonly #fire: (x: X, now: number) => void;
  readonly #minGap: number;
  #items: Array<X | null> = new Array<X | null>(64).fill(null);
  #due = new Float64Array(64);
  #tries = new Int32Array(64);
  #head = 0;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The clock reading the pending timer was set for: a timer never fires early. */
  #armedFor = 0;
  #clock: Clock | null = null;
  /** Inside #tick: an entry pushed by a firing is armed for once the loop is done. */
  #ticking = false;

  constructor(fire: (x: X, now: number) => void, minGap: number) {
    this.#fire = fire;
    this.#minGap = Math.max(1, minGap);
  }

  get size(): number {
    return this.#size;
  }

  /** `x` may be hedged at `due`; `now` is the current clock reading (the try's start). */
  push(x: X, due: number, now: number): void {
    if (this.#size === this.#items.length) this.#grow();
    const i = (this.#head + this.#size) % this.#items.length;
    this.#items[i] = x;
    this.#due[i] = due;
    this.#tries[i] = x.tries;
    this.#size++;
    x.hedgeQueue = this;
    x.hedgeSlot = i;
    if (this.#timer === null && !this.#ticking) {
      this.#clock = x.gw.clock;
      this.#arm(Math.max(0, due - now), due);
    }
  }

  readonly #tick = (): void => {
    this.#timer = null;
    this.#ticking = true;
    const now = Math.max(this.#clock!.now(), this.#armedFor);
    try {
      while (this.#size > 0 && this.#due[this.#head]! <= now) {
        const i = this.#head;
        const x = this.#items[i]!;
        const tries = this.#tries[i]!;
        this.#items[i] = null;
        this.#head = (i + 1) % this.#items.length;
        this.#size--;
        if (x === null) continue; // its request ended (drop)
        if (x.hedgeQueue === this && x.hedgeSlot === i) x.hedgeQueue = null;
        if (x.tries === tries) this.#fire(x, now);
      }
    } finally {
      this.#ticking = false;
      if (this.#size > 0) {
        const wait = Math.max(this.#minGap, this.#due[this.#head]! - now);
        this.#arm(wait, now + wait);
      }
    }
  };

  /** `x` ended: its entry no longer holds it. */
  drop(x: X): void {
    const i = x.hedgeSlot;
    if (x.hedgeQueue === this && i >= 0 && this.#items[i] === x) this.#items[i] = null;
    x.hedgeQueue = null;
  }

  #arm(ms: number, at: number): void {
    this.#armedFor = at;
    this.#timer = setTimeout(this.#tick, ms);
  }

  #grow(): void {
    const n = this.#items.length;
    const items = new Array<X | null>(2 * n).fill(null);
    const due = new Float64Array(2 * n);
    const tries = new Int32Array(2 * n);
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) % n;
      const x = this.#items[i]!;
      items[k] = x;
      due[k] = this.#due[i]!;
      tries[k] = this.#tries[i]!;
      if (x !== null && x.hedgeQueue === this && x.hedgeSlot === i) x.hedgeSlot = k;
    }
    this.#items = items;
    this.#due = due;
    this.#tries = tries;
    this.#head = 0;
  }
}
