import type { TracingConfig } from '../../config/types.js';
import { Link } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { type TraceIds, traceIds } from './ids.js';
import { adoptTraceContext } from './incoming.js';
import { RatioSampler } from './sampler.js';
import { formatTraceparent, SAMPLED } from './traceparent.js';

/**
 * W3C trace-context propagation, compiled into a route's chain only when tracing is enabled
 * (docs/architecture.md, "Decide at setup": off, the links are absent and the client's traceparent
 * passes through untouched, as an end-to-end field). Per config version: one sampler, shared by
 * every route.
 */
export class TraceSetup {
  readonly sampler: RatioSampler;
  readonly ids: TraceIds;

  constructor(sampler: RatioSampler, ids: TraceIds = traceIds) {
    this.sampler = sampler;
    this.ids = ids;
  }

  static of(config: TracingConfig, ids: TraceIds = traceIds): TraceSetup | null {
    return config.enabled ? new TraceSetup(new RatioSampler(config.sample_ratio), ids) : null;
  }
}

/**
 * The first link of a traced route: continues the caller's trace (a valid traceparent; its
 * sampled flag is honoured, parent-based sampling) or starts one (new trace id, sampled by the
 * ratio), and gives the request its server span id. Runs once per request.
 */
export class TraceLink extends Link<Exchange> {
  readonly #setup: TraceSetup;

  constructor(setup: TraceSetup) {
    super();
    this.#setup = setup;
  }

  dispatch(ex: Exchange): void {
    const s = this.#setup;
    if (adoptTraceContext(ex)) {
      ex.traceFlags &= SAMPLED; // unknown flags are not ours to forward (§3.2.2.5)
    } else {
      ex.traceId = s.ids.traceId();
      ex.traceFlags = s.sampler.sampled(ex.traceId) ? SAMPLED : 0;
    }
    ex.spanId = s.ids.spanId();
    this.next.dispatch(ex);
  }
}

/**
 * Just above forward: each try is a client span with its own id, sent upstream as the parent-id
 * of `traceparent` (§3.2.2.4: "the ID of this request as known by the caller").
 */
export class TryTraceLink extends Link<Exchange> {
  readonly #ids: TraceIds;

  constructor(ids: TraceIds) {
    super();
    this.#ids = ids;
  }

  dispatch(ex: Exchange): void {
    const id = this.#ids.spanId();
    ex.nextTry.spanId = id;
    let h = ex.upHeaders;
    // A retry or hedge gets its own copy: undici may still hold an earlier try's list in its queue.
    if (ex.tries > 0) {
      h = h.slice();
      ex.upHeaders = h;
    }
    h[h.length - 1] = formatTraceparent(ex.traceId, id, ex.traceFlags);
    this.next.dispatch(ex);
  }
}
