import { Pool } from 'undici';
import type { BreakerConfig, HostConfig, PoolConfig } from '../../config/types.js';
import { type BreakerOptions, type BreakerTransition, CircuitBreaker } from '../../core/breaker.js';
import type { Clock } from '../../core/clock.js';
import { Ewma } from '../../core/ewma.js';
import { RollingCounter } from '../../core/window.js';
import type { UpstreamTls } from '../tls/upstream.js';
import { slowStartFactor } from './slow-start.js';
import type { UpstreamHost } from './types.js';

/**
 * Half-life of the latency EWMA. Short enough that a host turning slow is routed around within a
 * few seconds, long enough that one slow request does not swing it (docs/balancing.md, "p2c_ewma
 * — power of two choices on latency").
 */
export const LATENCY_HALF_LIFE_MS = 2_000;

/** "127.0.0.1:8081": host and explicit port, so ids are stable whatever the URL spelling. */
export function hostId(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.hostname}:${port}`;
}

export function breakerOptions(b: BreakerConfig): BreakerOptions {
  return {
    windowMs: b.window,
    buckets: b.buckets,
    failureRateThreshold: b.failure_rate_threshold,
    minimumRequests: b.minimum_requests,
    consecutiveFailures: b.consecutive_failures,
    openTimeoutMs: b.open_timeout,
    maxOpenTimeoutMs: b.max_open_timeout,
    halfOpenMaxProbes: b.half_open_max_probes,
  };
}

/**
 * The clock of a pool's hosts (their EWMA, breaker and slow start): the system clock, except
 * while the pool holds it at one reading for the bookkeeping of a finished try, so the several
 * reads of that bookkeeping cost one Date.now, or none when the caller knows the time. Held only
 * within one synchronous call (pool.tryEnd), so every other read sees the live clock.
 */
export class HeldClock implements Clock {
  readonly #base: Clock;
  #held = false;
  #at = 0;

  constructor(base: Clock) {
    this.#base = base;
  }

  now(): number {
    return this.#held ? this.#at : this.#base.now();
  }

  hold(at: number): void {
    this.#held = true;
    this.#at = at;
  }

  release(): void {
    this.#held = false;
  }
}

/**
 * One upstream instance. Balancers read `weight`, `inFlight` and `latencyEwma` on every pick, so
 * they are a plain field and two cheap getters; the rest is live state that the pool's parts
 * (health checker, outlier detector, breaker watch) mutate and the candidate set reads.
 */
export class Host implements UpstreamHost {
  /** Position in the pool: indexes per-host arrays (endpoints). */
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly origin: string;
  readonly configWeight: number;
  readonly dispatcher: Pool;
  readonly breaker: CircuitBreaker | null;
  readonly ewma: Ewma;
  inFlight = 0;
  /** Active health verdict; true when there is no active check. */
  healthy = true;
  /** Epoch ms when the current ejection ends; 0 when not ejected. */
  ejectedUntil = 0;
  /** Ejections in the current streak: drives the growing ejection time. */
  ejections = 0;
  /** When the host last came back from an ejection; -1 never. */
  restoredAt = -1;
  consecutive5xx = 0;
  consecutiveGatewayFailures = 0;
  /** Mirrors breaker state 'open' (kept by transitions, so candidate checks never poke the breaker). */
  breakerOpen = false;
  /**
   * The breaker opened on 5xx-type evidence (failure_on.server_errors, timeouts, statuses), not a
   * connection failure: in panic the pool routes to it anyway (docs/health.md, "No blackout").
   */
  breakerSoft = false;
  /** The failure last given to the breaker was 5xx-type: read when it opens. */
  softFailure = false;
  /** Tries and failures for relative ejection (outlier failure_rate); null when it is off. */
  readonly tries: RollingCounter | null;
  /** Start of the current slow-start ramp; -Infinity when none. */
  slowStartFrom = Number.NEGATIVE_INFINITY;
  readonly #clock: Clock;
  readonly #slowStartMs: number;

  constructor(
    cfg: HostConfig,
    index: number,
    pool: PoolConfig,
    clock: Clock,
    onBreakerTransition: (host: Host, t: BreakerTransition) => void,
    tls: UpstreamTls | null = null,
  ) {
    this.index = index;
    this.id = hostId(cfg.url);
    this.name = cfg.name || this.id;
    this.origin = new URL(cfg.url).origin;
    this.configWeight = cfg.weight;
    this.#clock = clock;
    this.#slowStartMs = pool.health.slow_start;
    this.ewma = new Ewma({ halfLifeMs: LATENCY_HALF_LIFE_MS }, clock);
    const fr = pool.health.outlier.failure_rate;
    this.tries =
      pool.health.outlier.enabled && fr.enabled
        ? new RollingCounter({ windowMs: fr.window, buckets: 10 }, clock)
        : null;
    this.breaker = pool.breaker.enabled
      ? new CircuitBreaker(breakerOptions(pool.breaker), clock, (t) => onBreakerTransition(this, t))
      : null;
    this.dispatcher = new Pool(this.origin, {
      connections: pool.connections.max_per_host,
      keepAliveTimeout: pool.connections.keep_alive_timeout,
      connectTimeout: pool.timeouts.connect,
      headersTimeout: pool.timeouts.first_byte,
      bodyTimeout: pool.timeouts.idle,
      pipelining: 1,
      // https:// hosts: verified against the pool's CA or the system store (docs/tls.md).
      ...(tls === null ? {} : { connect: tls }),
    });
  }

  /** Configured weight × slow-start factor; always > 0. */
  get weight(): number {
    // p2c reads this twice per pick: no clock read outside a ramp (the usual case).
    if (this.slowStartFrom === Number.NEGATIVE_INFINITY) return this.configWeight;
    return this.configWeight * slowStartFactor(this.slowStartFrom, this.#clock.now(), this.#slowStartMs);
  }
  get latencyEwma(): number {
    return this.ewma.value;
  }
  /** When the latency EWMA last had a sample (p2c_ewma forgets a stale one). */
  get latencyAt(): number {
    return this.ewma.lastAt;
  }
  get ejected(): boolean {
    return this.ejectedUntil > 0;
  }
  get inSlowStart(): boolean {
    return slowStartFactor(this.slowStartFrom, this.#clock.now(), this.#slowStartMs) < 1;
  }
  /** May receive traffic outside panic mode. A HALF_OPEN breaker counts: it needs its probes. */
  get available(): boolean {
    return this.healthy && this.ejectedUntil === 0 && !this.breakerOpen;
  }

  /** The host comes back (ejection over or healthy again): forget the past, ramp up. */
  comeBack(now: number): void {
    this.consecutive5xx = 0;
    this.consecutiveGatewayFailures = 0;
    this.ewma.reset();
    this.tries?.reset();
    this.slowStartFrom = now;
  }
}
