/**
 * Good/total counts per minute over a whole SLO window: a ring of typed arrays, rotated lazily
 * (a slot whose stamp is not the minute being written is stale and starts from zero). No
 * per-request storage and no allocation when recording; time comes from the caller.
 */

export const MINUTE_MS = 60_000;

export interface Counts {
  good: number;
  total: number;
}

/** Sparse, JSON-safe form for persistence and IPC: parallel arrays of non-empty minutes. */
export interface BucketsExport {
  /** First minute observed (epoch minutes), so a throughput floor never judges unseen time. */
  since: number;
  minutes: number[];
  good: number[];
  total: number[];
}

export class SloBuckets {
  readonly windowMs: number;
  readonly #size: number;
  readonly #stamp: Int32Array;
  readonly #good: Uint32Array;
  readonly #total: Uint32Array;
  #since: number;

  constructor(windowMs: number, nowMs: number) {
    this.windowMs = windowMs;
    // One slot per minute of the window plus the current, partial minute.
    this.#size = Math.ceil(windowMs / MINUTE_MS) + 1;
    this.#stamp = new Int32Array(this.#size).fill(-1);
    this.#good = new Uint32Array(this.#size);
    this.#total = new Uint32Array(this.#size);
    // The first whole minute: a partly observed minute is not judged against a throughput floor.
    this.#since = Math.ceil(nowMs / MINUTE_MS);
  }

  get sinceMs(): number {
    return this.#since * MINUTE_MS;
  }

  /** The hot path: one event. */
  inc(good: boolean, atMs: number): void {
    const slot = this.#slot(Math.floor(atMs / MINUTE_MS));
    if (slot < 0) return;
    this.#total[slot]!++;
    if (good) this.#good[slot]!++;
  }

  /** Merge counts (another worker's, or persisted history) into the minute containing atMs. */
  add(good: number, total: number, atMs: number): void {
    const slot = this.#slot(Math.floor(atMs / MINUTE_MS));
    if (slot < 0) return;
    this.#good[slot]! += good;
    this.#total[slot]! += total;
  }

  /** Counts of the minutes overlapping the last windowMs, the current partial minute included. */
  sum(windowMs: number, nowMs: number): Counts {
    const now = Math.floor(nowMs / MINUTE_MS);
    const n = Math.min(this.#size, Math.ceil(windowMs / MINUTE_MS));
    let good = 0;
    let total = 0;
    for (let m = now - n + 1; m <= now; m++) {
      const slot = m % this.#size;
      if (this.#stamp[slot] !== m) continue;
      good += this.#good[slot]!;
      total += this.#total[slot]!;
    }
    return { good, total };
  }

  /**
   * Throughput: the complete minutes of the last windowMs that were observed (total), and how
   * many of them carried at least `floor` requests (good). The current minute is not judged yet.
   */
  sumMinutes(windowMs: number, nowMs: number, floor: number): Counts {
    const now = Math.floor(nowMs / MINUTE_MS);
    const n = Math.min(this.#size - 1, Math.floor(windowMs / MINUTE_MS));
    let good = 0;
    let total = 0;
    for (let m = Math.max(now - n, this.#since); m < now; m++) {
      total++;
      const slot = m % this.#size;
      if (this.#stamp[slot] === m && this.#total[slot]! >= floor) good++;
    }
    return { good, total };
  }

  /**
   * Running totals of bad requests (total − good) over the minutes sum(windowMs) counts: entry i
   * holds those of the minutes ≤ cuts[i] (epoch minutes, ascending). One pass over the window.
   */
  cumulativeBad(windowMs: number, nowMs: number, cuts: readonly number[]): number[] {
    const now = Math.floor(nowMs / MINUTE_MS);
    const n = Math.min(this.#size, Math.ceil(windowMs / MINUTE_MS));
    return this.#cumulative(now - n + 1, now, cuts, (m, slot) =>
      this.#stamp[slot] === m ? this.#total[slot]! - this.#good[slot]! : 0,
    );
  }

  /** The same for throughput: the judged minutes of sumMinutes() below `floor` requests. */
  cumulativeBadMinutes(windowMs: number, nowMs: number, floor: number, cuts: readonly number[]): number[] {
    const now = Math.floor(nowMs / MINUTE_MS);
    const n = Math.min(this.#size - 1, Math.floor(windowMs / MINUTE_MS));
    return this.#cumulative(Math.max(now - n, this.#since), now - 1, cuts, (m, slot) =>
      this.#stamp[slot] === m && this.#total[slot]! >= floor ? 0 : 1,
    );
  }

  export(nowMs: number): BucketsExport {
    const now = Math.floor(nowMs / MINUTE_MS);
    const out: BucketsExport = { since: this.#since, minutes: [], good: [], total: [] };
    for (let m = now - this.#size + 1; m <= now; m++) {
      const slot = m % this.#size;
      if (this.#stamp[slot] !== m || this.#total[slot] === 0) continue;
      out.minutes.push(m);
      out.good.push(this.#good[slot]!);
      out.total.push(this.#total[slot]!);
    }
    return out;
  }

  /** Adds the exported counts that still fall inside the window; keeps the earliest `since`. */
  import(state: BucketsExport, nowMs: number): void {
    const now = Math.floor(nowMs / MINUTE_MS);
    if (Number.isInteger(state.since) && state.since < this.#since) this.#since = state.since;
    for (let i = 0; i < state.minutes.length; i++) {
      const m = state.minutes[i]!;
      const good = state.good[i] ?? 0;
      const total = state.total[i] ?? 0;
      // A corrupt or foreign state must not wrap the unsigned counters: skip what is not a count.
      if (!Number.isInteger(m) || m > now || m <= now - this.#size) continue;
      if (!(Number.isInteger(good) && Number.isInteger(total) && good >= 0 && total >= good)) continue;
      this.add(good, total, m * MINUTE_MS);
    }
  }

  #cumulative(
    from: number,
    to: number,
    cuts: readonly number[],
    bad: (minute: number, slot: number) => number,
  ): number[] {
    const out = new Array<number>(cuts.length);
    let sum = 0;
    let i = 0;
    for (let m = from; m <= to; m++) {
      while (i < cuts.length && cuts[i]! < m) out[i++] = sum;
      sum += bad(m, m % this.#size);
    }
    while (i < cuts.length) out[i++] = sum;
    return out;
  }

  /** The slot of a minute, cleared when it held an older minute; -1 when it holds a newer one. */
  #slot(minute: number): number {
    const slot = minute % this.#size;
    const stamp = this.#stamp[slot]!;
    if (stamp > minute) return -1;
    if (stamp !== minute) {
      this.#stamp[slot] = minute;
      this.#good[slot] = 0;
      this.#total[slot] = 0;
    }
    return slot;
  }
}
