import {
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateName,
  type BreakerTransition,
  checkBreakerOptions,
  openTimeoutFor,
  parseBreakerSnapshot,
} from './breaker-state.js';
import type { Clock } from './clock.js';
import { RollingCounter } from './window.js';

export type { BreakerOptions, BreakerSnapshot, BreakerState, BreakerStateName, BreakerTransition };

type Listener = (t: BreakerTransition) => void;

/**
 * The circuit breaker lifecycle (docs/lifecycles.md, "Circuit breaker"):
 * CLOSED --(failure rate or N consecutive failures)--> OPEN --(open timeout elapsed)--> HALF_OPEN
 * --(probe succeeded)--> CLOSED, or --(probe failed)--> OPEN with the timeout doubled (capped).
 *
 * No timers (core has no I/O): OPEN → HALF_OPEN happens lazily when the breaker is next asked
 * (tryAcquire, state, retryAfterMs). Results are reported by the caller; a request it allowed
 * that ends with no verdict (client gone, hedge lost) must be reported with onIgnored().
 */
export class CircuitBreaker {
  readonly #o: BreakerOptions;
  readonly #clock: Clock;
  readonly #onTransition: Listener | undefined;
  readonly #window: RollingCounter;
  #s: BreakerState;

  constructor(opts: BreakerOptions, clock: Clock, onTransition?: Listener) {
    checkBreakerOptions(opts);
    this.#o = { ...opts };
    this.#clock = clock;
    this.#onTransition = onTransition;
    this.#window = new RollingCounter({ windowMs: opts.windowMs, buckets: opts.buckets }, clock);
    this.#s = { kind: 'closed', since: clock.now(), consecutiveFailures: 0 };
  }

  /** Rebuilds a breaker from snapshot() output; throws TypeError on a malformed snapshot. */
  static restore(
    snapshot: BreakerSnapshot,
    opts: BreakerOptions,
    clock: Clock,
    onTransition?: Listener,
  ): CircuitBreaker {
    const state = parseBreakerSnapshot(snapshot);
    const b = new CircuitBreaker(opts, clock, onTransition);
    b.#s = state;
    return b;
  }

  tryAcquire(): boolean {
    const s = this.#current();
    switch (s.kind) {
      case 'closed':
        return true;
      case 'open':
        return false; // #current() already moved it to half_open if the timeout passed
      case 'half_open':
        if (s.probesInFlight >= this.#o.halfOpenMaxProbes) return false;
        s.probesInFlight++;
        return true;
      default:
        return assertNever(s);
    }
  }

  onSuccess(): void {
    const s = this.#s;
    switch (s.kind) {
      case 'closed':
        s.consecutiveFailures = 0;
        this.#window.record(false);
        // A success can complete minimumRequests with the rate already over, but only if a
        // failure is still in the window (the threshold is > 0): the all-success path skips the
        // O(buckets) count and its clock read.
        if (this.#window.mayHaveFailures()) this.#judgeRate();
        return;
      case 'open':
        return; // a request allowed before the breaker opened: too late to matter
      case 'half_open':
        // With no probe in flight this result belongs to a request admitted before the breaker
        // opened; only a probe's verdict may close the circuit.
        if (s.probesInFlight > 0) this.#close('probe succeeded');
        return;
      default:
        assertNever(s);
    }
  }

  onFailure(reason?: string): void {
    const s = this.#s;
    switch (s.kind) {
      case 'closed': {
        s.consecutiveFailures++;
        this.#window.record(true);
        const n = this.#o.consecutiveFailures;
        if (n > 0 && s.consecutiveFailures >= n) {
          this.#open(1, `${s.consecutiveFailures} consecutive failures${suffix(reason)}`);
        } else {
          this.#judgeRate(reason);
        }
        return;
      }
      case 'open':
        return;
      case 'half_open':
        if (s.probesInFlight > 0) this.#open(s.opens + 1, `probe failed${suffix(reason)}`);
        return;
      default:
        assertNever(s);
    }
  }

  onIgnored(): void {
    const s = this.#s;
    if (s.kind === 'half_open' && s.probesInFlight > 0) s.probesInFlight--;
  }

  /** A copy of the state; reading it applies a due OPEN → HALF_OPEN transition. */
  get state(): BreakerState {
    return { ...this.#current() };
  }

  get stateName(): BreakerStateName {
    return this.#current().kind;
  }

  retryAfterMs(): number {
    const s = this.#current();
    return s.kind === 'open' ? Math.max(0, s.until - this.#clock.now()) : 0;
  }

  snapshot(): BreakerSnapshot {
    return { version: 1, state: { ...this.#current() } };
  }

  /** The state after applying a due OPEN → HALF_OPEN transition. */
  #current(): BreakerState {
    const s = this.#s;
    if (s.kind === 'open' && this.#clock.now() >= s.until) {
      this.#move(
        { kind: 'half_open', since: this.#clock.now(), probesInFlight: 0, opens: s.opens },
        'open timeout elapsed',
      );
    }
    return this.#s;
  }

  #judgeRate(reason?: string): void {
    const { total, failures } = this.#window.totals();
    if (total < this.#o.minimumRequests || failures / total < this.#o.failureRateThreshold) return;
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    const why = `failure rate ${pct(failures / total)} >= ${pct(this.#o.failureRateThreshold)} over ${total} requests`;
    this.#open(1, why + suffix(reason));
  }

  #open(opens: number, reason: string): void {
    const now = this.#clock.now();
    this.#window.reset();
    this.#move(
      { kind: 'open', openedAt: now, until: now + openTimeoutFor(opens, this.#o), opens, reason },
      reason,
    );
  }

  #close(reason: string): void {
    this.#window.reset();
    this.#move({ kind: 'closed', since: this.#clock.now(), consecutiveFailures: 0 }, reason);
  }

  #move(next: BreakerState, reason: string): void {
    const from = this.#s.kind;
    this.#s = next;
    this.#onTransition?.({ from, to: next.kind, reason, at: this.#clock.now() });
  }
}

const suffix = (reason: string | undefined) => (reason ? ` (last: ${reason})` : '');

function assertNever(x: never): never {
  throw new Error(`unreachable breaker state ${JSON.stringify(x)}`);
}
