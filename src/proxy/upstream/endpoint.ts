import type { EndpointBreakerConfig } from '../../config/types.js';
import type { BreakerState } from '../../core/breaker-state.js';
import type { Clock } from '../../core/clock.js';
import type { BreakerStateName } from '../../core/events.js';
import { RollingCounter } from '../../core/window.js';
import type { TryOutcome } from '../contracts.js';
import { EP_FAIL, EP_NONE, EP_OK, endpointVerdict } from './classify.js';
import { endpointBreaks, explainedByEndpoint, failingHosts, servedByPeer } from './judge.js';

/** Told of every transition (the table publishes `endpoint.transition`). */
export type EndpointListener = (
  ep: Endpoint,
  from: BreakerStateName,
  to: BreakerStateName,
  reason: string,
  failing: number,
  at: number,
) => void;

/** Admin/API view of one endpoint (plain data, JSON-safe). */
export interface EndpointView {
  route: string;
  /** Method and path pattern, e.g. "GET /users/{id}"; "(other)" for the overflow endpoint. */
  endpoint: string;
  state: BreakerStateName;
  /** ISO time of the current state's start. */
  since: string;
  retry_after_ms: number;
  /** Tries and failed tries (5xx, timeouts) in the window. */
  requests: number;
  failures: number;
  /** Hosts whose latest answer was a failure, within the window. */
  failing_hosts: number;
  /** Requests answered KEEL_ERR_ENDPOINT_FAILING since it last opened. */
  refused: number;
}

/**
 * One endpoint of a route (docs/health.md, "Endpoints"): what its tries did on each host, and its
 * breaker — CLOSED → OPEN on strong evidence that it fails everywhere → HALF_OPEN after the open
 * timeout (one probe request) → CLOSED on a good probe, or OPEN again with the timeout doubled
 * (docs/lifecycles.md, "Endpoint breaker"). The state is a tagged union (docs/architecture.md,
 * "State machines as tagged unions"); `closed` mirrors it for the request path's one check.
 *
 * Per endpoint, never per request: a fixed window and two arrays indexed by host.
 */
export class Endpoint {
  readonly label: string;
  /** The table's key for it. */
  readonly hash: number;
  /** True while CLOSED: the request path reads only this. */
  closed = true;
  /** When a try last reached it (reclaiming idle endpoints). */
  lastSeen: number;
  refused = 0;
  readonly #cfg: EndpointBreakerConfig;
  readonly #window: RollingCounter;
  /** Per host: time of the latest answer, and 1 when it was a failure. */
  readonly #lastAt: Float64Array;
  readonly #lastFailed: Uint8Array;
  readonly #onTransition: EndpointListener;
  #s: BreakerState;

  constructor(
    label: string,
    hash: number,
    hosts: number,
    cfg: EndpointBreakerConfig,
    clock: Clock,
    onTransition: EndpointListener,
  ) {
    this.label = label;
    this.hash = hash;
    this.#cfg = cfg;
    this.#window = new RollingCounter({ windowMs: cfg.window, buckets: 10 }, clock);
    this.#lastAt = new Float64Array(hosts).fill(Number.NEGATIVE_INFINITY);
    this.#lastFailed = new Uint8Array(hosts);
    this.#onTransition = onTransition;
    this.lastSeen = clock.now();
    this.#s = { kind: 'closed', since: this.lastSeen, consecutiveFailures: 0 };
  }

  get stateName(): BreakerStateName {
    return this.#s.kind;
  }

  /**
   * May a request through? Asked only when not `closed`. OPEN turns HALF_OPEN once its time is
   * over; HALF_OPEN lets `half_open_max_probes` requests through at a time.
   */
  admit(now: number): boolean {
    let s = this.#s;
    if (s.kind === 'open') {
      if (now < s.until) return false;
      s = this.#move(
        { kind: 'half_open', since: now, probesInFlight: 0, opens: s.opens },
        'open timeout elapsed',
        0,
        now,
      );
    }
    if (s.kind !== 'half_open') return true;
    if (s.probesInFlight >= this.#cfg.half_open_max_probes) return false;
    s.probesInFlight++;
    return true;
  }

  /** Time left until a probe may go through; 0 unless OPEN. */
  retryAfterMs(now: number): number {
    const s = this.#s;
    return s.kind === 'open' ? Math.max(0, s.until - now) : 0;
  }

  /**
   * A try on host `host` ended: records what it says about the endpoint (a 5xx or a timeout is a
   * failure, an answer below 500 a success, anything else nothing). Returns whether a peer served
   * the endpoint lately, read before this try is counted: only then may the try's failure count
   * against its host (judge.ts, servedByPeer).
   */
  report(host: number, o: TryOutcome, now: number): boolean {
    const v = endpointVerdict(o);
    // Read only where it decides something (a failure, a lost try): a success costs no loop over
    // the hosts.
    const served = v === EP_OK || servedByPeer(host, this.#lastAt, this.#lastFailed, now - this.#cfg.window);
    if (v === EP_NONE) this.ignore();
    else this.record(host, v === EP_FAIL, now);
    return served;
  }

  /** The answer of a try on host `host`: a failure (5xx, timeout) or a success. */
  record(host: number, failed: boolean, now: number): void {
    this.lastSeen = now;
    this.#lastAt[host] = now;
    this.#lastFailed[host] = failed ? 1 : 0;
    const s = this.#s;
    switch (s.kind) {
      case 'closed':
        this.#window.record(failed);
        if (failed) this.#judge(now);
        return;
      case 'half_open':
        if (s.probesInFlight === 0) return; // a request admitted before it opened: no verdict
        if (failed) this.#open(s.opens + 1, 'probe failed', now);
        else this.#move({ kind: 'closed', since: now, consecutiveFailures: 0 }, 'probe succeeded', 0, now);
        return;
      case 'open':
        return; // admitted before it opened: too late to matter
    }
  }

  /** A try (or a request) it admitted ended with no verdict: a HALF_OPEN probe slot is free again. */
  ignore(): void {
    const s = this.#s;
    if (s.kind === 'half_open' && s.probesInFlight > 0) s.probesInFlight--;
  }

  /** Would another host fail it too: every peer that answered it lately failed (judge.ts)? */
  explains(host: number, now: number): boolean {
    return explainedByEndpoint(host, this.#lastAt, this.#lastFailed, now - this.#cfg.window);
  }

  view(route: string, now: number): EndpointView {
    const s = this.#s;
    const { total, failures } = this.#window.totals();
    return {
      route,
      endpoint: this.label,
      state: s.kind,
      since: new Date(s.kind === 'open' ? s.openedAt : s.since).toISOString(),
      retry_after_ms: this.retryAfterMs(now),
      requests: total,
      failures,
      failing_hosts: failingHosts(this.#lastAt, this.#lastFailed, now - this.#cfg.window),
      refused: this.refused,
    };
  }

  /** Worth showing: not closed, or failures in the window. */
  noteworthy(): boolean {
    return !this.closed || this.#window.totals().failures > 0;
  }

  #judge(now: number): void {
    const { total, failures } = this.#window.totals();
    const failing = failingHosts(this.#lastAt, this.#lastFailed, now - this.#cfg.window);
    if (endpointBreaks(total, failures, failing, this.#lastAt.length, this.#cfg)) {
      const pct = Math.round((failures / total) * 100);
      this.#open(
        1,
        `${pct}% of ${total} tries failed, on ${failing} host${failing === 1 ? '' : 's'}`,
        now,
        failing,
      );
    }
  }

  #open(opens: number, reason: string, now: number, failing = 0): void {
    this.refused = 0;
    this.#window.reset();
    const c = this.#cfg;
    const until = now + Math.min(c.max_open_timeout, c.open_timeout * 2 ** (opens - 1));
    this.#move({ kind: 'open', openedAt: now, until, opens, reason }, reason, failing, now);
  }

  #move(next: BreakerState, reason: string, failing: number, now: number): BreakerState {
    const from = this.#s.kind;
    this.#s = next;
    this.closed = next.kind === 'closed';
    if (this.closed) this.#window.reset();
    this.#onTransition(this, from, next.kind, reason, failing, now);
    return next;
  }
}
