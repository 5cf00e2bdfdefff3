/**
 * A bulkhead: at most `maxInFlight` requests hold a slot; up to `maxQueue` more wait in FIFO
 * order; beyond that the caller sheds (503). Timers (queue timeout) live in the caller, which
 * calls cancel() when one fires, so this stays pure.
 *
 * The queue is an intrusive doubly linked list of the tickets themselves: enqueue, dequeue and
 * cancel are O(1), with no array shifting (docs/architecture.md,
 * "No allocation on the hot path").
 */
export interface QueueTicket {
  readonly id: number;
}

/** A queued waiter; module-private so only this limiter can read its links. */
class Waiter implements QueueTicket {
  prev: Waiter | null = null;
  next: Waiter | null = null;
  queued = true;
  constructor(
    readonly id: number,
    readonly owner: ConcurrencyLimiter,
    readonly grant: () => void,
  ) {}
}

export class ConcurrencyLimiter {
  readonly #max: number;
  readonly #maxQueue: number;
  #inFlight = 0;
  #queued = 0;
  #head: Waiter | null = null;
  #tail: Waiter | null = null;
  #nextId = 1;

  constructor(opts: { maxInFlight: number; maxQueue: number }) {
    if (!(Number.isInteger(opts.maxInFlight) && opts.maxInFlight >= 1)) {
      throw new RangeError(
        `ConcurrencyLimiter: maxInFlight must be an integer >= 1, got ${opts.maxInFlight}`,
      );
    }
    if (!(Number.isInteger(opts.maxQueue) && opts.maxQueue >= 0)) {
      throw new RangeError(`ConcurrencyLimiter: maxQueue must be an integer >= 0, got ${opts.maxQueue}`);
    }
    this.#max = opts.maxInFlight;
    this.#maxQueue = opts.maxQueue;
  }

  /** Takes a slot now if one is free and nobody is waiting (waiters are served first). */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.#max || this.#head !== null) return false;
    this.#inFlight++;
    return true;
  }

  /**
   * Waits for a slot. Returns null when the queue is full (shed). `grant` runs synchronously
   * inside a later release() — or inside this call when a slot is already free — and from then
   * on the slot is held by the waiter, who must release() it. `grant` must not throw.
   */
  enqueue(grant: () => void): QueueTicket | null {
    const w = new Waiter(this.#nextId++, this, grant);
    if (this.tryAcquire()) {
      w.queued = false;
      grant();
      return w;
    }
    if (this.#queued >= this.#maxQueue) return null;
    w.prev = this.#tail;
    if (this.#tail) this.#tail.next = w;
    else this.#head = w;
    this.#tail = w;
    this.#queued++;
    return w;
  }

  /** Removes a waiter (queue timeout, client gone). False if it was already granted or cancelled. */
  cancel(ticket: QueueTicket): boolean {
    if (!(ticket instanceof Waiter) || ticket.owner !== this || !ticket.queued) return false;
    this.#unlink(ticket);
    return true;
  }

  /** Frees a slot; if someone waits, the slot passes straight to the head of the queue. */
  release(): void {
    const w = this.#head;
    if (w === null) {
      if (this.#inFlight > 0) this.#inFlight--;
      return;
    }
    this.#unlink(w); // unlink before grant: grant may re-enter release()/enqueue()
    w.grant();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queued;
  }

  #unlink(w: Waiter): void {
    if (w.prev) w.prev.next = w.next;
    else this.#head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.#tail = w.prev;
    w.prev = null;
    w.next = null;
    w.queued = false;
    this.#queued--;
  }
}
