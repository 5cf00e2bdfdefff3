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

/**
 * The channels the request path publishes on, looked up once per gateway (the exchange reaches
 * them through GatewayContext.events, exchange.ts).
 */
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
