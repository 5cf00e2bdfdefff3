import type { RetryConfig } from '../../config/types.js';
import { fullJitterBackoff, parseRetryAfter } from '../../core/backoff.js';
import type { ErrorCode } from '../../core/errors.js';
import type { RetryEvent, TryErrorKind } from '../../core/events.js';
import { Link, OPEN, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { UpstreamPool } from '../upstream/types.js';
import { bufferSmallBody } from './replay.js';

/**
 * Budgeted retries (docs/proxying.md, "Retries"): only for the route's retry methods and replayable
 * bodies; on connect failures, resets, timeouts before the first byte and the configured statuses;
 * to a different host (the pick excludes hosts tried); after full-jitter backoff, or the upstream's
 * Retry-After when it fits before the deadline; each retry takes a token from the pool's retry
 * budget; none starts after the deadline. A retryable status with no retry left is passed through
 * as the upstream sent it; a final connect/reset/timeout maps to 502/502/504.
 *
 * Two exceptions, both about what a retry can achieve:
 * - A connect failure cost no upstream any work: the request goes to another host at once,
 *   whatever the budget says (it takes a token if one is free, to be counted) and whatever its
 *   method, since it provably never left (nginx's `proxy_next_upstream error`). So does a reset
 *   before any answer, for a request the route retries: the host dropped the connection — it died,
 *   or closed a pooled connection as the request went out — and undici cannot tell whether it
 *   read the request, which an idempotent request can afford (RFC 9110 §9.2.2). Each host once at
 *   most, within the attempts and the deadline ("failover").
 * - A status or timeout is not retried when the request's endpoint fails on the other hosts too,
 *   or its endpoint breaker is not closed: another host would only fail it again
 *   (docs/health.md, "Endpoints").
 *
 * Several tries may be live at once when the HedgeLink subclass is used; a result then only ends
 * the request when no other try is still running.
 */
export class RetryLink extends Link<Exchange> {
  protected readonly pool: UpstreamPool;
  protected readonly routeName: string;
  readonly #cfg: RetryConfig;
  readonly #methods: ReadonlySet<string>;
  readonly #statuses: ReadonlySet<number>;
  readonly #begin = (ex: Exchange): void => this.startTry(ex);

  constructor(cfg: RetryConfig, pool: UpstreamPool, routeName: string) {
    super();
    this.#cfg = cfg;
    this.pool = pool;
    this.routeName = routeName;
    this.#methods = new Set(cfg.enabled ? cfg.methods : []);
    this.#statuses = new Set(cfg.on.statuses);
  }

  dispatch(ex: Exchange): void {
    if (!this.#methods.has(ex.method)) ex.replayable = false;
    else if (bufferSmallBody(ex, this.#begin)) return;
    this.startTry(ex);
  }

  /** Starts the first try and every retry. */
  protected startTry(ex: Exchange): void {
    this.next.dispatch(ex);
  }

  override head(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    if (ex.replayable && this.#statuses.has(status)) {
      if (ex.live.length > 1) return false; // a hedge still runs: let it answer instead
      const delay = this.#delayFor(ex, raw);
      if (
        this.#endpointAllows(ex, t, `status_${status}`) &&
        this.admit(ex, `status_${status}`, delay) === ''
      ) {
        this.#schedule(ex, delay);
        return false;
      }
    }
    return this.commit(ex, t, status, raw);
  }

  /** Passes a head up to the client; HedgeLink also stops the losing tries. */
  protected commit(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    return this.up.head(ex, t, status, raw);
  }

  override fail(ex: Exchange, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void {
    if (t === null) {
      // Refused before the try existed (no host, breakers open): undo what was set up for it.
      const next = ex.nextTry;
      next.hedge = false;
      if (next.token) {
        next.token = false;
        this.pool.retryBudget.releaseRetry();
      }
    }
    if (ex.live.length > 0) return; // another try is still running; its result decides
    if (t !== null && (kind === 'connect' || kind === 'reset') && this.#failover(ex, kind)) {
      if (this.#limits(ex, kind, 0) === '') {
        ex.lastKind = kind;
        ex.lastCode = code;
        this.#schedule(ex, 0);
        return;
      }
    } else if (
      t !== null &&
      ex.replayable &&
      this.#retryable(kind) &&
      (kind !== 'timeout' || this.#endpointAllows(ex, t, kind))
    ) {
      const delay = fullJitterBackoff(
        ex.retries + 1,
        this.#cfg.backoff.base,
        this.#cfg.backoff.max,
        ex.gw.random,
      );
      // The failure is known, so the budget can be asked when the retry really starts: a
      // retry waiting out its backoff puts no load on the upstreams and holds no token.
      if (this.#limits(ex, kind, delay) === '') {
        ex.lastKind = kind;
        ex.lastCode = code;
        this.#schedule(ex, delay);
        return;
      }
    }
    this.up.fail(ex, t, kind, code);
  }

  /**
   * May another try start in `delayMs`, with a retry-budget token taken now? Checks attempts,
   * the deadline and the budget, in that order (a refused retry takes no token), and publishes
   * the `retry` event either way. Used when the decision cannot wait: a retryable answer is
   * discarded only if its retry is certain, and a hedge starts at once.
   */
  protected admit(ex: Exchange, reason: string, delayMs: number): RetryEvent['refusedBy'] {
    const limit = this.#limits(ex, reason, delayMs);
    if (limit !== '') return limit;
    const allowed = this.pool.retryBudget.tryAcquireRetry();
    this.#publish(ex, reason, allowed ? '' : 'budget');
    if (!allowed) return 'budget';
    ex.nextTry.token = true;
    if (ex.tried === null) ex.tried = new Set([ex.firstHostId]);
    return '';
  }

  /**
   * May this failure go to another host whatever the budget? A host is left that this request has
   * not tried, and: a connect failure on a route that retries them, with a body that can be sent
   * again (none, buffered, or a stream nothing read — undici reads a body only once connected);
   * or a reset on a request the route retries (a retry method, a replayable body).
   */
  #failover(ex: Exchange, kind: TryErrorKind): boolean {
    const cfg = this.#cfg;
    if (!cfg.enabled || ex.tries >= this.pool.hosts.length) return false;
    if (kind === 'reset') return cfg.on.reset && ex.replayable;
    if (kind !== 'connect' || !cfg.on.connect_failure) return false;
    const body = ex.body;
    return body === null || Buffer.isBuffer(body) || !(body.readableDidRead || body.destroyed);
  }

  /**
   * Would another host do better? Not when the endpoint's breaker is not closed (it fails
   * everywhere, or this request is its probe), nor when its latest answers on the other hosts
   * failed too (judge.ts, "explained"). Publishes the refusal.
   */
  #endpointAllows(ex: Exchange, t: TryHandle, reason: string): boolean {
    const ep = ex.endpoint;
    if (ep === null || (ep.closed && !ep.explains(t.host.index, ex.gw.clock.now()))) return true;
    this.#publish(ex, reason, 'endpoint');
    return false;
  }

  /** Budget policy, attempts and deadline; publishes the refusal (an allowed retry is published later). */
  #limits(ex: Exchange, reason: string, delayMs: number): '' | 'deadline' | 'attempts' | 'policy' {
    let refusedBy: '' | 'deadline' | 'attempts' | 'policy' = '';
    const noRetry = ex.gw.noRetry;
    if (reason !== 'hedge' && noRetry.size > 0 && noRetry.has(this.routeName)) refusedBy = 'policy';
    else if (reason !== 'hedge' && ex.retries + 2 > this.#cfg.max_attempts) refusedBy = 'attempts';
    else if (delayMs < 0 || ex.gw.clock.now() + delayMs >= ex.deadline) refusedBy = 'deadline';
    if (refusedBy !== '') this.#publish(ex, reason, refusedBy);
    return refusedBy;
  }

  #publish(ex: Exchange, reason: string, refusedBy: RetryEvent['refusedBy']): void {
    const ch = ex.gw.events.retry;
    if (!ch.active) return;
    ch.publish({
      requestId: ex.requestId,
      pool: this.pool.name,
      route: this.routeName,
      attempt: ex.tries,
      reason,
      allowed: refusedBy === '',
      refusedBy,
    });
  }

  #retryable(kind: TryErrorKind): boolean {
    const on = this.#cfg.on;
    switch (kind) {
      case 'connect':
        return on.connect_failure;
      case 'reset':
        return on.reset;
      case 'timeout':
        return on.timeout;
      default:
        return false; // idle (body already flowing), aborted, breaker_open, other
    }
  }

  /** Retry-After (RFC 9110 §10.2.3) when honoured and present, else full-jitter backoff. */
  #delayFor(ex: Exchange, raw: Buffer[]): number {
    if (this.#cfg.honor_retry_after) {
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!;
        if (name.length === 11 && name.toString('latin1').toLowerCase() === 'retry-after') {
          const ms = parseRetryAfter(raw[i + 1]!.toString('latin1'), ex.gw.clock.now());
          if (ms !== undefined) return ms;
        }
      }
    }
    return fullJitterBackoff(ex.retries + 1, this.#cfg.backoff.base, this.#cfg.backoff.max, ex.gw.random);
  }

  #schedule(ex: Exchange, delayMs: number): void {
    ex.retries++;
    ex.retryTimer = setTimeout(fireRetry, delayMs, this, ex);
  }

  /** Timer entry point (a module function: no closure per retry). */
  runRetry(ex: Exchange): void {
    ex.retryTimer = null;
    if (ex.state !== OPEN) return; // a token taken at decision time is released by ex.stop()
    if (ex.lastKind !== '') {
      // A retry after a failure takes its token now (see fail()).
      const kind = ex.lastKind;
      const code = ex.lastCode as ErrorCode;
      ex.lastKind = '';
      ex.lastCode = '';
      const allowed = this.pool.retryBudget.tryAcquireRetry();
      // A failover goes whatever the budget says (see the class comment): a free token only
      // counts it.
      const failover = this.#failover(ex, kind);
      this.#publish(ex, kind, allowed || failover ? '' : 'budget');
      if (!allowed && !failover) {
        this.up.fail(ex, null, kind, code);
        return;
      }
      ex.nextTry.token = allowed;
      if (ex.tried === null) ex.tried = new Set([ex.firstHostId]);
    }
    this.startTry(ex);
  }
}

function fireRetry(link: RetryLink, ex: Exchange): void {
  link.runRetry(ex);
}
