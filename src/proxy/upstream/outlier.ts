import type { OutlierConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus, HostEjectedEvent } from '../../core/events.js';
import type { OutlierClass } from './classify.js';
import type { Host } from './host.js';
import { outAllowed, relativeOutlier } from './judge.js';
import { medianInto } from './median.js';
import type { Cancel, Scheduler } from './timers.js';

interface OutlierDeps {
  pool: string;
  hosts: readonly Host[];
  bus: EventBus;
  clock: Clock;
  scheduler: Scheduler;
  /** The candidate set must be recomputed (a host left or came back). */
  onChange: () => void;
}

/**
 * Passive outlier ejection from live traffic (docs/health.md, "Passive outlier ejection"):
 * consecutive gateway failures (connect failures and resets; timeouts its peers did not share),
 * optionally consecutive 5xx, a failed share of tries clearly above the peers' (failure_rate), or
 * a latency EWMA far above the peers' median take a host out for base_ejection × 2^(n-1), capped
 * at max_ejection. Failures the caller found explained by their endpoint arrive as 'neutral'.
 *
 * At most max_ejection_percent of the hosts may be out at once, but never fewer than one: with
 * two hosts, one may still be ejected. For 5xx-type reasons (5xx, failure_rate, latency) the cap
 * counts every host out of service — breakers and health too — so the two together never take
 * more than the cap out for evidence that may not be the host's (docs/health.md, "No blackout").
 */
export class OutlierDetector {
  readonly #cfg: OutlierConfig;
  readonly #d: OutlierDeps;
  readonly #timers = new Map<Host, Cancel>();
  readonly #scratch: Float64Array; // median workspace: no allocation on the hot path

  constructor(cfg: OutlierConfig, deps: OutlierDeps) {
    this.#cfg = cfg;
    this.#d = deps;
    this.#scratch = new Float64Array(deps.hosts.length);
  }

  record(host: Host, c: OutlierClass): void {
    // Tries that were in flight when the host was ejected say nothing new.
    if (host.ejectedUntil !== 0) return;
    const cfg = this.#cfg;
    switch (c) {
      case 'ok':
        host.consecutive5xx = 0;
        host.consecutiveGatewayFailures = 0;
        host.tries?.record(false);
        return;
      case 'server_error':
        host.consecutiveGatewayFailures = 0;
        if (++host.consecutive5xx >= cfg.consecutive_5xx && cfg.consecutive_5xx > 0) {
          this.#eject(host, 'consecutive_5xx');
          return;
        }
        this.#relative(host);
        return;
      case 'gateway_failure':
        host.consecutive5xx++;
        host.consecutiveGatewayFailures++;
        if (
          cfg.consecutive_gateway_failures > 0 &&
          host.consecutiveGatewayFailures >= cfg.consecutive_gateway_failures
        ) {
          this.#eject(host, 'consecutive_gateway_failure');
        } else if (cfg.consecutive_5xx > 0 && host.consecutive5xx >= cfg.consecutive_5xx) {
          this.#eject(host, 'consecutive_5xx');
        } else this.#relative(host);
        return;
      case 'neutral':
        return;
    }
  }

  /** A failed try: judged against the peers' share of failures (judge.ts, relativeOutlier). */
  #relative(host: Host): void {
    const window = host.tries;
    if (window === null) return;
    window.record(true);
    const rule = this.#cfg.failure_rate;
    const mine = window.totals();
    // Cheap filter first: the peers' share is never below 0.
    if (mine.total < rule.min_requests || mine.failures < rule.excess * mine.total) return;
    let total = 0;
    let failures = 0;
    for (const h of this.#d.hosts) {
      if (h === host || !h.available || h.tries === null) continue;
      const t = h.tries.totals();
      total += t.total;
      failures += t.failures;
    }
    if (relativeOutlier(mine.total, mine.failures, total, failures, rule)) this.#eject(host, 'failure_rate');
  }

  /** After a latency sample: eject if the EWMA exceeds factor × the median of the other available hosts. */
  checkLatency(host: Host): void {
    const l = this.#cfg.latency;
    if (!l.enabled || host.ejectedUntil !== 0 || host.ewma.count < l.min_requests) return;
    const mine = host.ewma.value;
    if (mine <= l.min_latency) return; // cheap filter first: the median is only computed for slow hosts
    let n = 0;
    for (const h of this.#d.hosts) {
      if (h !== host && h.available && h.ewma.count > 0) this.#scratch[n++] = h.ewma.value;
    }
    if (n === 0) return; // nobody to compare with
    const median = medianInto(this.#scratch, n);
    if (median > 0 && mine > l.factor * median) this.#eject(host, 'latency');
  }

  #eject(host: Host, reason: HostEjectedEvent['reason']): void {
    const { clock, hosts } = this.#d;
    const cfg = this.#cfg;
    // Connection failures are the host's own: only other ejections count against the cap.
    const anyOut = reason !== 'consecutive_gateway_failure';
    let out = 0;
    for (const h of hosts) if (h !== host && (h.ejectedUntil !== 0 || (anyOut && !h.available))) out++;
    // Over the cap: keep the streak so the next failure re-checks once another host returns.
    if (out >= outAllowed(hosts.length, cfg.max_ejection_percent, false)) return;
    const now = clock.now();
    // A host that stayed healthy for a full max_ejection since its return starts a fresh streak.
    if (host.restoredAt >= 0 && now - host.restoredAt >= cfg.max_ejection) host.ejections = 0;
    host.ejections++;
    const ms = Math.min(cfg.max_ejection, cfg.base_ejection * 2 ** (host.ejections - 1));
    host.ejectedUntil = now + ms;
    host.consecutive5xx = 0;
    host.consecutiveGatewayFailures = 0;
    this.#timers.get(host)?.();
    this.#timers.set(
      host,
      this.#d.scheduler.after(ms, () => this.#restore(host)),
    );
    const ch = this.#d.bus.channel('host.ejected');
    if (ch.active) {
      ch.publish({
        pool: this.#d.pool,
        host: host.name,
        reason,
        ejectionMs: ms,
        ejections: host.ejections,
        at: now,
      });
    }
    this.#d.onChange();
  }

  #restore(host: Host): void {
    this.#timers.delete(host);
    const now = this.#d.clock.now();
    host.ejectedUntil = 0;
    host.restoredAt = now;
    host.comeBack(now);
    const ch = this.#d.bus.channel('host.restored');
    if (ch.active) ch.publish({ pool: this.#d.pool, host: host.name, healthy: host.healthy, at: now });
    this.#d.onChange();
  }

  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }
}
