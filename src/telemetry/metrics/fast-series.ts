/**
 * Hot-path series: a histogram and an up/down gauge that record into plain per-label-tuple cells
 * and render prom-client's JSON shape only at scrape time. prom-client's own child `observe`
 * rebuilds a label object and hashes the label values on every call (~0.5 µs each); recording
 * here is one bucket scan and three additions
 * (docs/architecture.md, "No allocation on the hot path"). The output is the same shape
 * prom-client produces (cumulative `_bucket{le}`, `_sum`, `_count`), so the registry's text
 * rendering and AggregatorRegistry.aggregate treat these like their own metrics.
 */
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string | number>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

export class HistogramCell {
  readonly labels: Labels;
  readonly counts: Float64Array; // per bucket, not cumulative; the last slot is +Inf
  sum = 0;
  count = 0;
  readonly #bounds: readonly number[];
  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  /** Linear scan: 12 bounds, no sort, no allocation. */
  observe(v: number): void {
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class GaugeCell {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(): void {
    this.value++;
  }
  dec(): void {
    this.value--;
  }
}

abstract class Series<C extends { labels: Labels }> {
  readonly aggregator = 'sum';
  protected readonly cells: C[] = [];
  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // The registry takes any object with prom-client's metric shape (name, help, type, get()).
    registry.registerMetric(this as unknown as Metric);
  }
  /** A new cell for the label values, in labelNames order (called once per tuple). */
  cell(values: readonly string[]): C {
    const labels: Labels = {};
    this.labelNames.forEach((n, i) => {
      labels[n] = values[i] ?? '';
    });
    const c = this.make(labels);
    this.cells.push(c);
    return c;
  }
  protected abstract make(labels: Labels): C;
  protected abstract samples(): Sample[];
  async get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: string }> {
    const { name, help, aggregator } = this;
    return { name, help, type: this.type, values: this.samples(), aggregator };
  }
  abstract readonly type: string;
  /** Registry.resetMetrics(): zero every cell (the cells stay cached by their callers). */
  abstract reset(): void;
}

export class FastHistogram extends Series<HistogramCell> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];
  constructor(o: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: readonly number[];
    registry: Registry;
  }) {
    super(o.name, o.help, o.labelNames, o.registry);
    this.#bounds = o.buckets;
  }
  protected make(labels: Labels): HistogramCell {
    return new HistogramCell(labels, this.#bounds);
  }
  reset(): void {
    for (const c of this.cells) {
      c.counts.fill(0);
      c.sum = 0;
      c.count = 0;
    }
  }
  /** `le` first, as prom-client renders it (label order carries no meaning in Prometheus). */
  protected samples(): Sample[] {
    const out: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.cells) {
      let acc = 0;
      this.#bounds.forEach((le, i) => {
        acc += c.counts[i]!;
        out.push({ labels: { le, ...c.labels }, value: acc, metricName: bucket });
      });
      out.push({ labels: { le: '+Inf', ...c.labels }, value: c.count, metricName: bucket });
      out.push({ labels: { ...c.labels }, value: c.sum, metricName: `${this.name}_sum` });
      out.push({ labels: { ...c.labels }, value: c.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}

export class FastGauge extends Series<GaugeCell> {
  readonly type: string = 'gauge';
  constructor(o: { name: string; help: string; labelNames: string[]; registry: Registry }) {
    super(o.name, o.help, o.labelNames, o.registry);
  }
  protected make(labels: Labels): GaugeCell {
    return new GaugeCell(labels);
  }
  reset(): void {
    for (const c of this.cells) c.value = 0;
  }
  protected samples(): Sample[] {
    return this.cells.map((c) => ({ labels: { ...c.labels }, value: c.value }));
  }
}

/** A counter with plain cells (the per-request cache results): a FastGauge that only goes up. */
export class FastCounter extends FastGauge {
  override readonly type: string = 'counter';
}
