/**
 * /metrics under `keel run --workers N`: the primary sums what every worker's registry holds
 * (prom-client AggregatorRegistry: counters and histograms summed; gauges by their aggregator).
 *
 * No double counting: each request is recorded by the one worker that served it; config reloads,
 * which every worker applies, are counted once by the primary instead of N times.
 * No gaps: counters must never go down, or rate() sees a reset. So the primary keeps each
 * worker's last answer; a worker that does not answer (restarting, slow) contributes its last
 * counters, and when a slot's pid changes the old process's last counters are kept for good.
 * The increments between a crashed worker's last scrape and its death are lost: they were never
 * observable outside it.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';

export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export interface WorkerAnswer {
  slot: number;
  pid: number;
  metrics: MetricsJson;
}

/** Counted once for the whole process group by the primary, so dropped from the workers. */
const PRIMARY_OWNED = new Set(['keel_config_reloads_total', 'keel_config_info']);

/** Only monotonic series outlive their process; a dead process's gauges mean nothing. */
function monotonic(m: MetricsJson): MetricsJson {
  return m.filter((x) => String(x.type) === 'counter' || String(x.type) === 'histogram');
}

export class WorkerMetricsAggregator {
  readonly #last = new Map<number, { pid: number; metrics: MetricsJson }>();
  #retired: MetricsJson = [];

  /** The aggregate as Prometheus text, from the workers that answered and the primary's own. */
  async text(answers: readonly WorkerAnswer[], primary: MetricsJson): Promise<string> {
    return (await this.#aggregate(answers, primary)).metrics();
  }

  async #aggregate(answers: readonly WorkerAnswer[], primary: MetricsJson): Promise<Registry> {
    const gone: MetricsJson[] = [];
    for (const a of answers) {
      const metrics = a.metrics.filter((m) => !PRIMARY_OWNED.has(m.name));
      const prev = this.#last.get(a.slot);
      if (prev && prev.pid !== a.pid) gone.push(monotonic(prev.metrics));
      this.#last.set(a.slot, { pid: a.pid, metrics });
    }
    if (gone.length > 0) {
      this.#retired = await AggregatorRegistry.aggregate([this.#retired, ...gone]).getMetricsAsJSON();
    }
    const answered = new Set(answers.map((a) => a.slot));
    const parts: MetricsJson[] = [this.#retired, primary];
    for (const [slot, last] of this.#last) {
      parts.push(answered.has(slot) ? last.metrics : monotonic(last.metrics));
    }
    return AggregatorRegistry.aggregate(parts);
  }
}
