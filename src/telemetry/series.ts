/**
 * The dashboard's time series (docs/dashboard.md, "The series API"): RED per route and per pool
 * over the last minutes, at a fixed step. Each key (route or pool) owns a ring of steps; a step is
 * a fixed-bucket latency histogram plus request and 5xx counts, the same layout as the handoff's
 * traffic window (docs/architecture.md, "No allocation on the hot path"): recording is one Map
 * lookup and a few array writes — no allocation, no sort. The bounds are fixed, so workers' rings
 * add up bucket by bucket (the supervisor sums them).
 */
import type { EventBus } from '../core/events.js';
import { histogramQuantile, LATENCY_BOUNDS_MS } from './traffic-window.js';

const NB = LATENCY_BOUNDS_MS.length + 1; // + the +Inf bucket
const REQ = NB; // per-step layout: [histogram..., requests, errors]
const ERR = NB + 1;
export const SERIES_STRIDE = NB + 2;
export const SERIES_STEP_MS = 2000;
export const SERIES_MAX_MINUTES = 15;
/** A runaway config cannot grow memory without bound: keys past this are not recorded. */
const MAX_KEYS = 256;

/** Raw, mergeable cells of the last `count` complete steps, oldest first (sent over IPC). */
export interface SeriesRaw {
  step_ms: number;
  /** Index (epoch ms / step_ms) of the first step. */
  first_step: number;
  count: number;
  /** Per key: count × SERIES_STRIDE numbers. */
  routes: Record<string, number[]>;
  pools: Record<string, number[]>;
}

/** RED of one route or pool, one value per timestamp; null where a step had no request. */
export interface RedSeries {
  rps: number[];
  error_rate: Array<number | null>;
  p50_ms: Array<number | null>;
  p95_ms: Array<number | null>;
  p99_ms: Array<number | null>;
}

export interface SeriesResponse {
  step_seconds: number;
  /** Epoch seconds of each step's start (what uPlot expects). */
  timestamps: number[];
  routes: Record<string, RedSeries>;
  pools: Record<string, RedSeries>;
}

class Ring {
  readonly cells: Float64Array;
  readonly epoch: Float64Array; // which step each slot holds; -1 = empty
  constructor(readonly n: number) {
    this.cells = new Float64Array(n * SERIES_STRIDE);
    this.epoch = new Float64Array(n).fill(-1);
  }
  record(step: number, status: number, durationMs: number): void {
    const slot = step % this.n;
    const base = slot * SERIES_STRIDE;
    if (this.epoch[slot] !== step) {
      this.cells.fill(0, base, base + SERIES_STRIDE);
      this.epoch[slot] = step;
    }
    let b = 0;
    while (b < NB - 1 && durationMs > LATENCY_BOUNDS_MS[b]!) b++;
    this.cells[base + b]!++;
    this.cells[base + REQ]!++;
    if (status >= 500) this.cells[base + ERR]!++;
  }
  /** Cells of steps first..first+count-1 (zeros where the ring holds another step). */
  read(first: number, count: number): number[] {
    const out = new Array<number>(count * SERIES_STRIDE).fill(0);
    for (let i = 0; i < count; i++) {
      const step = first + i;
      const slot = step % this.n;
      if (this.epoch[slot] !== step) continue;
      const base = slot * SERIES_STRIDE;
      for (let k = 0; k < SERIES_STRIDE; k++) out[i * SERIES_STRIDE + k] = this.cells[base + k]!;
    }
    return out;
  }
}

export class SeriesRecorder {
  readonly #steps: number;
  readonly #routes = new Map<string, Ring>();
  readonly #pools = new Map<string, Ring>();

  constructor(
    readonly stepMs = SERIES_STEP_MS,
    maxMinutes = SERIES_MAX_MINUTES,
  ) {
    // +1: the step in progress is recorded but never reported.
    this.#steps = Math.ceil((maxMinutes * 60_000) / stepMs) + 1;
  }

  record(route: string, pool: string, atMs: number, status: number, durationMs: number): void {
    const step = Math.floor(atMs / this.stepMs);
    if (route !== '') this.#ring(this.#routes, route)?.record(step, status, durationMs);
    if (pool !== '') this.#ring(this.#pools, pool)?.record(step, status, durationMs);
  }

  /** The complete steps of the last `minutes` (clamped to 1..max) before `nowMs`. */
  raw(nowMs: number, minutes: number): SeriesRaw {
    const count = Math.max(1, Math.min(this.#steps - 1, Math.round((minutes * 60_000) / this.stepMs)));
    const first = Math.floor(nowMs / this.stepMs) - count; // the step in progress is excluded
    const read = (m: Map<string, Ring>) => {
      const o: Record<string, number[]> = {};
      for (const [k, r] of m) o[k] = r.read(first, count);
      return o;
    };
    return {
      step_ms: this.stepMs,
      first_step: first,
      count,
      routes: read(this.#routes),
      pools: read(this.#pools),
    };
  }

  #ring(m: Map<string, Ring>, key: string): Ring | undefined {
    let r = m.get(key);
    if (!r && m.size < MAX_KEYS) {
      r = new Ring(this.#steps);
      m.set(key, r);
    }
    return r;
  }
}

export function subscribeSeries(bus: EventBus, rec: SeriesRecorder): () => void {
  return bus.on('request.done', (e) => rec.record(e.route, e.pool, e.at, e.status, e.durationMs));
}

/** Sums workers' raw series onto the window of `base` (steps outside it are dropped). */
export function mergeSeriesRaw(base: SeriesRaw, others: readonly SeriesRaw[]): SeriesRaw {
  const out: SeriesRaw = { ...base, routes: { ...base.routes }, pools: { ...base.pools } };
  for (const o of others) {
    if (o.step_ms !== base.step_ms) continue;
    addInto(out.routes, o.routes, o.first_step - base.first_step, o.count, base.count);
    addInto(out.pools, o.pools, o.first_step - base.first_step, o.count, base.count);
  }
  return out;
}

function addInto(
  into: Record<string, number[]>,
  from: Record<string, number[]>,
  offset: number,
  fromCount: number,
  count: number,
): void {
  for (const [k, cells] of Object.entries(from)) {
    const target = into[k] ? [...into[k]] : new Array<number>(count * SERIES_STRIDE).fill(0);
    into[k] = target;
    for (let i = 0; i < fromCount; i++) {
      const j = i + offset;
      if (j < 0 || j >= count) continue;
      for (let c = 0; c < SERIES_STRIDE; c++)
        target[j * SERIES_STRIDE + c]! += cells[i * SERIES_STRIDE + c] ?? 0;
    }
  }
}

/** Rates and percentiles (bucket upper bounds: histogramQuantile) of each step. */
export function seriesResponse(raw: SeriesRaw): SeriesResponse {
  const timestamps = Array.from({ length: raw.count }, (_, i) => ((raw.first_step + i) * raw.step_ms) / 1000);
  const red = (cells: number[]): RedSeries => {
    const s: RedSeries = { rps: [], error_rate: [], p50_ms: [], p95_ms: [], p99_ms: [] };
    for (let i = 0; i < raw.count; i++) {
      const base = i * SERIES_STRIDE;
      const counts = cells.slice(base, base + NB);
      const req = cells[base + REQ] ?? 0;
      s.rps.push(req / (raw.step_ms / 1000));
      s.error_rate.push(req === 0 ? null : (cells[base + ERR] ?? 0) / req);
      s.p50_ms.push(histogramQuantile(0.5, LATENCY_BOUNDS_MS, counts));
      s.p95_ms.push(histogramQuantile(0.95, LATENCY_BOUNDS_MS, counts));
      s.p99_ms.push(histogramQuantile(0.99, LATENCY_BOUNDS_MS, counts));
    }
    return s;
  };
  const map = (o: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(o).map(([k, cells]) => [k, red(cells)]));
  return { step_seconds: raw.step_ms / 1000, timestamps, routes: map(raw.routes), pools: map(raw.pools) };
}
