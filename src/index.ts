/**
 * The package root: Keel's pure primitives, for use inside any Node service (docs/library.md).
 * Nothing exported here does I/O or starts a timer; time and randomness come in as arguments.
 * The gateway itself is run by the `keel` command, not imported.
 */
export type {
  BalancerAlgorithm,
  HashKey,
} from './config/types.js';
export { fullJitterBackoff, parseRetryAfter } from './core/backoff.js';
export {
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateName,
  type BreakerTransition,
  CircuitBreaker,
} from './core/breaker.js';
export { type Clock, ManualClock, systemClock } from './core/clock.js';
export { ERROR_CODES, type ErrorCode, KeelError } from './core/errors.js';
export { Channel, EventBus, type EventName, type KeelEvents } from './core/events.js';
export { Ewma } from './core/ewma.js';
export { parseHttpDate } from './core/http-date.js';
export { ConcurrencyLimiter, type QueueTicket } from './core/limiter.js';
export { mathRandom, type Random, scriptedRandom, seededRandom } from './core/random.js';
export { RetryBudget } from './core/retry-budget.js';
export { TokenBucket } from './core/token-bucket.js';
export { RollingCounter } from './core/window.js';
export * from './proxy/balancer/index.js';
