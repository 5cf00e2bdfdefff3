import type { PoolConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import { ConcurrencyLimiter } from '../../core/limiter.js';
import type { Random } from '../../core/random.js';
import { RetryBudget } from '../../core/retry-budget.js';
import { createBalancer } from '../balancer/index.js';
import type { Balancer, PickContext } from '../balancer/types.js';
import type { TryOutcome } from '../contracts.js';
import { BreakerWatch } from './breaker-watch.js';
import { CandidateSet } from './candidates.js';
import { type BreakerVerdict, breakerClassifier, isLatencySample, outlierClass } from './classify.js';
import { HealthChecker } from './health-checker.js';
import { HeldClock, Host } from './host.js';
import { OutlierDetector } from './outlier.js';
import { realScheduler, type Scheduler } from './timers.js';
import type { PoolView, UpstreamHost, UpstreamPool } from './types.js';
import { hostView } from './view.js';

export interface PoolDeps {
  bus: EventBus;
  clock: Clock;
  random: Random;
  /** Timers for ejection expiry, breaker wake-ups and health intervals; tests pass a ManualScheduler. */
  scheduler?: Scheduler;
  /** Replaces the configured algorithm (tests observe update() calls through it). */
  balancer?: Balancer<UpstreamHost>;
}

export function createPool(config: PoolConfig, deps: PoolDeps): UpstreamPool {
  return new LivePool(config, deps);
}

/** The live state of one pool: hosts, their health/ejection/breaker state and the candidate set. */
class LivePool implements UpstreamPool {
  readonly name: string;
  readonly hosts: readonly Host[];
  readonly retryBudget: RetryBudget;
  readonly limiter: ConcurrencyLimiter | null;
  readonly #clock: Clock;
  /** The hosts' clock (EWMA, breakers, slow start): tryEnd holds it at one reading. */
  readonly #hostClock: HeldClock;
  readonly #balancer: Balancer<UpstreamHost>;
  readonly #candidates: CandidateSet;
  readonly #breakers: BreakerWatch;
  readonly #outlier: OutlierDetector | null;
  readonly #health: HealthChecker | null;
  readonly #verdict: (o: TryOutcome) => BreakerVerdict;
  #started = false;

  constructor(config: PoolConfig, deps: PoolDeps) {
    const scheduler = deps.scheduler ?? realScheduler;
    const onChange = () => this.#candidates.recompute();
    this.name = config.name;
    this.#clock = deps.clock;
    this.#hostClock = new HeldClock(deps.clock);
    this.#breakers = new BreakerWatch(config.name, { bus: deps.bus, scheduler, onChange });
    this.hosts = config.hosts.map(
      (h) => new Host(h, config, this.#hostClock, (host, t) => this.#breakers.onTransition(host, t)),
    );
    this.retryBudget = new RetryBudget({
      ratio: config.retry_budget.ratio,
      minConcurrent: config.retry_budget.min_concurrent,
    });
    this.limiter =
      config.concurrency.max_in_flight > 0
        ? new ConcurrencyLimiter({
            maxInFlight: config.concurrency.max_in_flight,
            maxQueue: config.concurrency.max_queue,
          })
        : null;
    this.#balancer =
      deps.balancer ??
      createBalancer<UpstreamHost>(config.balancer.algorithm, {
        random: deps.random,
        hashKey: config.balancer.hash_key,
      });
    this.#candidates = new CandidateSet(
      config.name,
      this.hosts,
      config.health.panic_threshold_percent,
      this.#balancer,
      deps,
    );
    this.#verdict = breakerClassifier(config.breaker.failure_on);
    const outlier = config.health.outlier;
    this.#outlier = outlier.enabled
      ? new OutlierDetector(outlier, {
          pool: config.name,
          hosts: this.hosts,
          bus: deps.bus,
          clock: deps.clock,
          scheduler,
          onChange,
        })
      : null;
    const active = config.health.active;
    this.#health =
      active === null
        ? null
        : new HealthChecker(active, config, this.hosts, {
            pool: config.name,
            bus: deps.bus,
            clock: deps.clock,
            scheduler,
            onChange: (host, healthy) => this.#healthChanged(host, healthy, deps.bus),
          });
    this.#candidates.recompute();
  }

  pick(ctx: PickContext): UpstreamHost | undefined {
    return this.#balancer.pick(ctx);
  }

  tryStart(host: UpstreamHost): boolean {
    const h = host as Host;
    if (h.breaker !== null && !h.breaker.tryAcquire()) return false;
    h.inFlight++;
    return true;
  }

  tryEnd(host: UpstreamHost, outcome: TryOutcome, now?: number): void {
    // A try refused by the breaker never started (tryStart returned false): nothing to undo.
    if (outcome.kind === 'error' && outcome.error === 'breaker_open') return;
    const h = host as Host;
    if (h.inFlight > 0) h.inFlight--;
    // The EWMA and the breaker's window each read the clock: one reading (the caller's, when it
    // has one) serves both (Date.now is ~1 % of a request, docs/benchmarks.md "Profile").
    const clock = this.#hostClock;
    clock.hold(now ?? this.#clock.now());
    try {
      const sample = isLatencySample(outcome);
      if (sample) h.ewma.update(outcome.latencyMs);
      const b = h.breaker;
      if (b !== null) {
        switch (this.#verdict(outcome)) {
          case 'success':
            b.onSuccess();
            break;
          case 'failure':
            b.onFailure(outcome.kind === 'response' ? `status_${outcome.status}` : outcome.error);
            break;
          case 'ignored':
            b.onIgnored();
            break;
        }
      }
      const outlier = this.#outlier;
      if (outlier !== null) {
        outlier.record(h, outlierClass(outcome));
        if (sample) outlier.checkLatency(h);
      }
    } finally {
      clock.release();
    }
  }

  #healthChanged(host: Host, healthy: boolean, bus: EventBus): void {
    const now = this.#clock.now();
    host.healthy = healthy;
    if (healthy) host.comeBack(now);
    const ch = bus.channel('health.changed');
    if (ch.active) ch.publish({ pool: this.name, host: host.name, healthy, at: now });
    this.#candidates.recompute();
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#health?.start();
  }

  async close(): Promise<void> {
    this.#breakers.close();
    this.#outlier?.close();
    await this.#health?.close();
    await Promise.all(this.hosts.map((h) => h.dispatcher.close().catch(() => {})));
  }

  view(): PoolView {
    const hosts = this.hosts.map(hostView);
    let inFlight = 0;
    for (const h of this.hosts) inFlight += h.inFlight;
    const rb = this.retryBudget;
    return {
      name: this.name,
      algorithm: this.#balancer.algorithm,
      panic: this.#candidates.panic,
      available: this.#candidates.available,
      total: this.hosts.length,
      in_flight: inFlight,
      queue_depth: this.limiter?.queued ?? 0,
      retry_budget: {
        active_requests: rb.activeRequests,
        active_retries: rb.activeRetries,
        max_retries: rb.maxRetries,
      },
      hosts,
    };
  }
}
