/**
 * The process's own load, for the handoff report (docs/handoff.md) and the USE metrics: CPU % of
 * one core, event-loop utilisation % and event-loop delay p99, over a sliding window.
 *
 * Nothing runs per request: one unref'd timer takes a cumulative reading every `intervalMs` and
 * keeps the last `windowMs` of them; `read()` compares a fresh reading with the oldest one kept, so
 * the numbers are right even before the first tick. Clock and sources are injectable for tests.
 */
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type Clock, systemClock } from '../core/clock.js';

export interface ProcessLoad {
  cpu_percent: number;
  event_loop_utilization_percent: number;
  event_loop_delay_p99_ms: number;
  window_ms: number;
}

/** Cumulative readings; the sampler only ever takes differences. */
export interface LoadSources {
  cpuMicros(): number; // user + system CPU time of the process
  elu(): EventLoopUtilization; // cumulative, as performance.eventLoopUtilization() returns
  /** p99 event-loop delay (ms) since the previous call, which resets the measurement. */
  delayP99Ms(): number;
  stop(): void;
}

interface Reading {
  at: number;
  cpu: number;
  elu: EventLoopUtilization;
  delayP99: number;
}

export function nodeLoadSources(): LoadSources {
  // 20 ms resolution: fine enough to see a blocked loop, cheap enough to leave always on.
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  return {
    cpuMicros: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    elu: () => performance.eventLoopUtilization(),
    delayP99Ms: () => {
      const p = h.count > 0 ? h.percentile(99) / 1e6 : 0; // the histogram records nanoseconds
      h.reset();
      return p;
    },
    stop: () => h.disable(),
  };
}

export interface ProcessLoadOptions {
  clock?: Clock;
  sources?: LoadSources;
  intervalMs?: number;
  windowMs?: number;
  /** false in tests that drive `tick()` themselves. */
  timer?: boolean;
}

export class ProcessLoadSampler {
  readonly #clock: Clock;
  readonly #src: LoadSources;
  readonly #windowMs: number;
  #ring: Reading[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(o: ProcessLoadOptions = {}) {
    this.#clock = o.clock ?? systemClock;
    this.#src = o.sources ?? nodeLoadSources();
    this.#windowMs = o.windowMs ?? 10_000;
    this.tick();
    if (o.timer !== false) {
      this.#timer = setInterval(() => this.tick(), o.intervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  /** Takes one reading and forgets readings older than the window (the oldest in it is kept). */
  tick(): void {
    this.#ring.push(this.#reading(this.#src.delayP99Ms()));
    const horizon = this.#clock.now() - this.#windowMs;
    while (this.#ring.length > 2 && this.#ring[1]!.at <= horizon) this.#ring.shift();
  }

  read(): ProcessLoad {
    const oldest = this.#ring[0]!;
    const now = this.#reading(0);
    const elapsedMs = now.at - oldest.at;
    if (elapsedMs <= 0)
      return { cpu_percent: 0, event_loop_utilization_percent: 0, event_loop_delay_p99_ms: 0, window_ms: 0 };
    const active = now.elu.active - oldest.elu.active;
    const idle = now.elu.idle - oldest.elu.idle;
    const busy = active + idle > 0 ? active / (active + idle) : 0;
    return {
      cpu_percent: round1(((now.cpu - oldest.cpu) / (elapsedMs * 1000)) * 100),
      event_loop_utilization_percent: round1(busy * 100),
      event_loop_delay_p99_ms: round1(Math.max(0, ...this.#ring.slice(1).map((r) => r.delayP99))),
      window_ms: elapsedMs,
    };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#src.stop();
  }

  #reading(delayP99: number): Reading {
    return { at: this.#clock.now(), cpu: this.#src.cpuMicros(), elu: this.#src.elu(), delayP99 };
  }
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
