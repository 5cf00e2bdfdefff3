import type { ErrorCode } from '../../core/errors.js';
import type { TryErrorKind } from '../../core/events.js';
import { Link, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { EndpointTable } from '../upstream/endpoints.js';

/**
 * The endpoint breaker (docs/health.md, "Endpoints"): finds the request's endpoint in the route's
 * table (a hash of its method and path, no allocation) and leaves it on the exchange, where the
 * retry and hedge links read it and the forward link reports each try to it. An endpoint that
 * fails on every host is refused here with 503 KEEL_ERR_ENDPOINT_FAILING and Retry-After, calling
 * nothing; the route's other endpoints are not touched.
 *
 * It sits below the cache, so a stale-if-error answer can still be served for a refused endpoint,
 * and above the bulkhead and retries, so a refusal costs no pool slot and a request it lets
 * through as the HALF_OPEN probe is one request (retry and hedge do not multiply it).
 */
export class EndpointLink extends Link<Exchange> {
  readonly #table: EndpointTable;

  constructor(table: EndpointTable) {
    super();
    this.#table = table;
  }

  dispatch(ex: Exchange): void {
    const ep = this.#table.lookup(ex.method, ex.clientTarget);
    if (!ep.closed) {
      const now = ex.gw.clock.now();
      if (!ep.admit(now)) {
        ep.refused++;
        ex.retryAfterMs = ep.retryAfterMs(now);
        this.up.fail(ex, null, 'breaker_open', 'KEEL_ERR_ENDPOINT_FAILING');
        return;
      }
    }
    ex.endpoint = ep;
    this.next.dispatch(ex);
  }

  override fail(ex: Exchange, t: TryHandle | null, kind: TryErrorKind, code: ErrorCode): void {
    // Refused below before any try (shed, no host, host breakers): a probe slot gives no verdict.
    if (t === null && ex.tries === 0) ex.endpoint?.ignore();
    this.up.fail(ex, t, kind, code);
  }
}
