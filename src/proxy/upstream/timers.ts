import type { ManualClock } from '../../core/clock.js';

/** Cancels a scheduled task; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * Where the upstream room's few timers come from (ejection expiry, breaker re-checks, health
 * intervals). Injected so tests drive them with a ManualClock instead of sleeping
 * (docs/architecture.md, "Injected time and randomness").
 */
export interface Scheduler {
  after(ms: number, fn: () => void): Cancel;
}

// setTimeout overflows past 2^31-1 ms and then fires immediately; clamp instead.
const MAX_DELAY = 2_147_483_647;

/** Real timers, unref'd: pool housekeeping must never keep the process alive on its own. */
export const realScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, Math.min(MAX_DELAY, Math.max(0, ms)));
    t.unref();
    return () => clearTimeout(t);
  },
};

interface Task {
  due: number;
  seq: number;
  fn: () => void;
}

/** A scheduler bound to a ManualClock: `advance` moves time and runs what falls due, in order. */
export class ManualScheduler implements Scheduler {
  readonly #clock: ManualClock;
  #tasks: Task[] = [];
  #seq = 0;
  constructor(clock: ManualClock) {
    this.#clock = clock;
  }
  after(ms: number, fn: () => void): Cancel {
    const task: Task = { due: this.#clock.now() + Math.max(0, ms), seq: this.#seq++, fn };
    this.#tasks.push(task);
    return () => {
      this.#tasks = this.#tasks.filter((t) => t !== task);
    };
  }
  /** Moves the clock forward by `ms`, stopping at each due task to run it (tasks may schedule more). */
  advance(ms: number): void {
    const target = this.#clock.now() + ms;
    for (;;) {
      let next: Task | undefined;
      for (const t of this.#tasks) {
        if (
          t.due <= target &&
          (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq))
        )
          next = t;
      }
      if (next === undefined) break;
      this.#tasks = this.#tasks.filter((t) => t !== next);
      if (next.due > this.#clock.now()) this.#clock.set(next.due);
      next.fn();
    }
    this.#clock.set(target);
  }
  get pending(): number {
    return this.#tasks.length;
  }
}
