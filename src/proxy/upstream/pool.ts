import type { EndpointBreakerConfig, PoolConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import { ConcurrencyLimiter } from '../../core/limiter.js';
import type { Random } from '../../core/random.js';
import { RetryBudget } from '../../core/retry-budget.js';
import { createBalancer } from '../balancer/index.js';
import type { Balancer, PickContext } from '../balancer/types.js';
import type { TryOutcome } from '../contracts.js';
import type { UpstreamTls } from '../tls/upstream.js';
import { BreakerWatch } from './breaker-watch.js';
import { CandidateSet } from './candidates.js';
import {
  type BreakerVerdict,
  breakerClassifier,
  EP_FAIL,
  endpointVerdict,
  isConnectionFailure,
  isLatencySample,
  outlierClass,
} from './classify.js';
import type { Endpoint } from './endpoint.js';
import { EndpointTable } from './endpoints.js';
import { HealthChecker } from './health-checker.js';
import { HeldClock, Host } from './host.js';
import { outAllowed } from './judge.js';
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
  /** TLS toward the pool's https:// hosts (tls/upstream.ts), read from its files by the compiler. */
  tls?: UpstreamTls | null;
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
  readonly #maxOutPercent: number;
  readonly #bus: EventBus;
  /** The endpoint tables of the routes served by this pool, by route name. */
  readonly #endpoints = new Map<string, EndpointTable>();
  #started = false;

  constructor(config: PoolConfig, deps: PoolDeps) {
    const scheduler = deps.scheduler ?? realScheduler;
    const onChange = () => this.#candidates.recompute();
    this.name = config.name;
    this.#clock = deps.clock;
    this.#hostClock = new HeldClock(deps.clock);
    this.#breakers = new BreakerWatch(config.name, { bus: deps.bus, scheduler, onChange });
    this.#bus = deps.bus;
    this.#maxOutPercent = config.health.outlier.max_ejection_percent;
    this.hosts = config.hosts.map(
      (h, i) =>
        new Host(
          h,
          i,
          config,
          this.#hostClock,
          (host, t) => this.#breakers.onTransition(host, t),
          deps.tls ?? null,
        ),
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
            tls: deps.tls ?? null,
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
    // In panic a breaker opened on 5xx-type evidence does not refuse (docs/health.md, "No blackout").
    if (h.breaker !== null && !h.breaker.tryAcquire() && !(h.breakerSoft && this.#candidates.panic)) {
      return false;
    }
    h.inFlight++;
    return true;
  }

  tryEnd(host: UpstreamHost, outcome: TryOutcome, now?: number, endpoint: Endpoint | null = null): void {
    // A try refused by the breaker never started (tryStart returned false): nothing to undo.
    if (outcome.kind === 'error' && outcome.error === 'breaker_open') return;
    const h = host as Host;
    if (h.inFlight > 0) h.inFlight--;
    // The EWMA, the breaker's window and the endpoint each read the clock: one reading (the
    // caller's, when it has one) serves them all (Date.now is ~1 % of a request,
    // docs/benchmarks.md "Profile").
    const clock = this.#hostClock;
    clock.hold(now ?? this.#clock.now());
    try {
      // A request against its endpoint: a 5xx or a timeout counts against the host only when a
      // peer served the same endpoint lately (docs/health.md, "Judged against its peers"); a
      // route without endpoint tracking judges every try as before.
      const judged =
        endpoint === null || endpoint === undefined || endpoint.report(h.index, outcome, clock.now());
      const blameless = !judged && endpointVerdict(outcome) === EP_FAIL;
      const sample = (isLatencySample(outcome) && !blameless) || (judged && this.#lowerBound(h, outcome));
      if (sample) h.ewma.update(outcome.latencyMs);
      const b = h.breaker;
      if (b !== null) {
        switch (this.#verdict(outcome)) {
          case 'success':
            b.onSuccess();
            break;
          case 'failure':
            if (isConnectionFailure(outcome)) {
              h.softFailure = false;
              b.onFailure(outcome.kind === 'response' ? `status_${outcome.status}` : outcome.error);
            } else if (blameless || !this.#mayTakeOut(h)) {
              b.onIgnored();
            } else {
              h.softFailure = true;
              b.onFailure(outcome.kind === 'response' ? `status_${outcome.status}` : outcome.error);
            }
            break;
          case 'ignored':
            b.onIgnored();
            break;
        }
      }
      const outlier = this.#outlier;
      if (outlier !== null) {
        outlier.record(h, blameless ? 'neutral' : outlierClass(outcome));
        if (sample) outlier.checkLatency(h);
      }
    } finally {
      clock.release();
    }
  }

  /**
   * A try that was stopped (a hedge won, the client left, the deadline) waited at least its
   * elapsed time: a lower bound of the host's latency. Taken as a sample only when above the
   * EWMA, so the balancer learns that a host turned slow before its slow answers arrive, and a
   * client that leaves early never makes a host look fast.
   */
  #lowerBound(h: Host, o: TryOutcome): boolean {
    return o.kind === 'error' && o.error === 'aborted' && h.ewma.count > 0 && o.latencyMs > h.ewma.value;
  }

  /**
   * May a 5xx-type failure count toward opening this host's breaker? Not when that would take
   * more than max_ejection_percent of the pool out of service, nor its last host
   * (docs/health.md, "No blackout"). Read only on such failures.
   */
  #mayTakeOut(h: Host): boolean {
    if (!h.available) return true;
    let out = 0;
    for (const x of this.hosts) if (!x.available) out++;
    return out < outAllowed(this.hosts.length, this.#maxOutPercent, true);
  }

  endpoints(route: string, prefix: string, config: EndpointBreakerConfig): EndpointTable {
    const old = this.#endpoints.get(route);
    if (old !== undefined && old.prefix === prefix && sameConfig(old.config, config)) return old;
    const table = new EndpointTable(route, prefix, config, {
      pool: this.name,
      hosts: this.hosts.length,
      clock: this.#hostClock,
      bus: this.#bus,
    });
    this.#endpoints.set(route, table);
    return table;
  }

  keepEndpoints(routes: ReadonlySet<string>): void {
    for (const route of this.#endpoints.keys()) if (!routes.has(route)) this.#endpoints.delete(route);
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
      endpoints: [...this.#endpoints.values()].flatMap((t) => t.views()),
    };
  }
}

function sameConfig(a: EndpointBreakerConfig, b: EndpointBreakerConfig): boolean {
  for (const k of Object.keys(a) as Array<keyof EndpointBreakerConfig>) if (a[k] !== b[k]) return false;
  return true;
}
