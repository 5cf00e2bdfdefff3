import type { Clock } from '../core/clock.js';
import type {
  BreakerTransitionEvent,
  CacheRevalidateEvent,
  Channel,
  EventBus,
  RequestDoneEvent,
  RequestStartEvent,
  RetryEvent,
  ShedEvent,
  TryDoneEvent,
} from '../core/events.js';
import type { Random } from '../core/random.js';
import type { Exchange } from './exchange.js';

/** The channels the request path publishes on, looked up once per gateway. */
export interface ProxyEvents {
  readonly requestStart: Channel<RequestStartEvent>;
  readonly requestDone: Channel<RequestDoneEvent>;
  readonly tryDone: Channel<TryDoneEvent>;
  readonly retry: Channel<RetryEvent>;
  readonly shed: Channel<ShedEvent>;
  readonly breaker: Channel<BreakerTransitionEvent>;
  readonly cacheRevalidate: Channel<CacheRevalidateEvent>;
}

export function proxyEvents(bus: EventBus): ProxyEvents {
  return {
    requestStart: bus.channel('request.start'),
    requestDone: bus.channel('request.done'),
    tryDone: bus.channel('try.done'),
    retry: bus.channel('retry'),
    shed: bus.channel('shed'),
    breaker: bus.channel('breaker.transition'),
    cacheRevalidate: bus.channel('cache.revalidate'),
  };
}

/** What every exchange reads of its gateway (one object per gateway, not per request). */
export interface GatewayContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly events: ProxyEvents;
  /** True once drain() started: answers carry `Connection: close`. */
  readonly draining: boolean;
  /** Bookkeeping when an exchange ends (in-flight set, snapshot references, request.done). */
  finished(ex: Exchange): void;
  /** A chunked request body passed the route's max_body_bytes (KeelRequest.push). */
  bodyTooLarge(ex: Exchange): void;
  /**
   * Routes whose retries a budget policy stopped (Gateway.setRoutePolicies). Read only when a
   * retry is considered, and only when not empty: the common case costs one size check.
   */
  readonly noRetry: ReadonlySet<string>;
  /** Route name → share of its requests shed by a budget policy (shed_share); empty = none. */
  readonly shedShare: ReadonlyMap<string, number>;
}
