import type { BreakerConfig } from '../../config/types.js';
import type { BreakerTransition } from '../../core/breaker.js';
import { CircuitBreaker } from '../../core/breaker.js';
import type { Clock } from '../../core/clock.js';
import type { ErrorCode } from '../../core/errors.js';
import type { TryErrorKind } from '../../core/events.js';
import type { ProxyEvents } from '../context.js';
import { Link, type OutcomeRecorder, type TryHandle, type TryOutcome } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { type BreakerVerdict, breakerClassifier } from '../upstream/classify.js';
import { breakerOptions } from '../upstream/host.js';

/**
 * The optional route-level breaker (route.breaker), on top of the per-host ones in the pool. It
 * sits inside retry, so it judges every try, and an OPEN route breaker also stops the retries of
 * requests already running. OPEN answers 503 KEEL_ERR_BREAKER_OPEN with Retry-After, calling
 * nothing. Transitions are published with scope 'route'.
 */
export class RouteBreaker implements OutcomeRecorder {
  readonly breaker: CircuitBreaker;
  readonly config: BreakerConfig;
  readonly #verdict: (o: TryOutcome) => BreakerVerdict;

  constructor(route: string, pool: string, config: BreakerConfig, clock: Clock, events: ProxyEvents) {
    this.config = config;
    this.#verdict = breakerClassifier(config.failure_on);
    this.breaker = new CircuitBreaker(breakerOptions(config), clock, (t: BreakerTransition) => {
      const ch = events.breaker;
      if (ch.active) ch.publish({ scope: 'route', pool, host: '', route, ...t });
    });
  }

  /** How a try this breaker admitted ended (called by the forward link, exactly once). */
  record(outcome: TryOutcome): void {
    switch (this.#verdict(outcome)) {
      case 'success':
        this.breaker.onSuccess();
        return;
      case 'failure':
        this.breaker.onFailure(outcome.kind === 'response' ? `status_${outcome.status}` : outcome.error);
        return;
      case 'ignored':
        this.breaker.onIgnored();
        return;
    }
  }
}

export class RouteBreakerLink extends Link<Exchange> {
  readonly #rb: RouteBreaker;

  constructor(rb: RouteBreaker) {
    super();
    this.#rb = rb;
  }

  dispatch(ex: Exchange): void {
    const b = this.#rb.breaker;
    if (!b.tryAcquire()) {
      ex.retryAfterMs = b.retryAfterMs();
      this.up.fail(ex, null, 'breaker_open', 'KEEL_ERR_BREAKER_OPEN');
      return;
    }
    ex.nextTry.recorder = this.#rb;
    this.next.dispatch(ex);
  }

  override fail(ex: Exchange, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void {
    // Refused below before a try existed (no host, host breakers open): the slot we took gave
    // no verdict on the route.
    if (t === null && ex.nextTry.recorder === this.#rb) {
      ex.nextTry.recorder = null;
      this.#rb.breaker.onIgnored();
    }
    this.up.fail(ex, t, kind, code);
  }
}
