import type { BreakerConfig } from '../../config/types.js';
import type { TryOutcome } from '../contracts.js';

/** What one finished try means to the host's circuit breaker. */
export type BreakerVerdict = 'success' | 'failure' | 'ignored';

/** What one finished try means to passive outlier detection. */
export type OutlierClass = 'ok' | 'server_error' | 'gateway_failure' | 'neutral';

/**
 * Builds the breaker classifier once per pool from `breaker.failure_on`, not per request
 * (docs/architecture.md, "Decide at setup"). An aborted try (client gone, hedge lost, deadline)
 * says nothing about the host, so it frees its probe slot without a verdict.
 */
export function breakerClassifier(failureOn: BreakerConfig['failure_on']): (o: TryOutcome) => BreakerVerdict {
  const statuses = new Set(failureOn.statuses);
  const { server_errors: serverErrors, timeouts, resets } = failureOn;
  return (o) => {
    if (o.kind === 'response') {
      return (serverErrors && o.status >= 500) || statuses.has(o.status) ? 'failure' : 'success';
    }
    switch (o.error) {
      case 'timeout':
      case 'idle':
        return timeouts ? 'failure' : 'success';
      case 'connect':
      case 'reset':
        return resets ? 'failure' : 'success';
      case 'aborted':
      case 'breaker_open':
        return 'ignored';
      case 'other':
        return 'success';
    }
  };
}

/**
 * Connection-level failures: the host could not be reached, or dropped the connection. The only
 * evidence a host is judged on absolutely, in any pool, even of one host (docs/health.md, "Judged
 * against its peers"). A 5xx or a timeout may be the request's endpoint failing on every host.
 */
export function isConnectionFailure(o: TryOutcome): boolean {
  return o.kind === 'error' && (o.error === 'connect' || o.error === 'reset');
}

/** What a try says about its endpoint. */
export const EP_NONE = 0; // nothing: never answered (connect, reset), aborted, refused
export const EP_OK = 1;
export const EP_FAIL = 2; // a 5xx, or no head in time (timeout), or a body that stalled (idle)

/**
 * Endpoint evidence: any 5xx (502/503/504 included: the endpoint may fail behind the host's own
 * proxy on every host alike) and timeouts. Connection failures say nothing about the endpoint.
 */
export function endpointVerdict(o: TryOutcome): number {
  if (o.kind === 'response') return o.status >= 500 ? EP_FAIL : EP_OK;
  return o.error === 'timeout' || o.error === 'idle' ? EP_FAIL : EP_NONE;
}

/**
 * Outlier classes. Gateway failures (connect, reset, timeout, idle stall) also count toward the
 * 5xx streak, as in Envoy, since the client would have seen a 502/504 for them.
 */
export function outlierClass(o: TryOutcome): OutlierClass {
  if (o.kind === 'response') return o.status >= 500 ? 'server_error' : 'ok';
  switch (o.error) {
    case 'connect':
    case 'reset':
    case 'timeout':
    case 'idle':
      return 'gateway_failure';
    case 'aborted':
    case 'breaker_open':
    case 'other':
      return 'neutral';
  }
}

/**
 * Whether the try's latency is a fair EWMA sample. A refused connection fails in microseconds: fed
 * to the EWMA it would make a dead host look like the fastest one to p2c_ewma.
 */
export function isLatencySample(o: TryOutcome): boolean {
  return o.kind === 'response' || o.error === 'timeout' || o.error === 'idle';
}
