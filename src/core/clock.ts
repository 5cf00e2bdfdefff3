/**
 * Time comes in through this interface so that every primitive can be driven by a scripted clock in
 * tests (docs/architecture.md, "Injected time and randomness"). Core code never reads the system
 * time itself.
 */
export interface Clock {
  /** Milliseconds. Only differences matter to core primitives; the system clock uses the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
  }
}
