import type { OutlierConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus, HostEjectedEvent } from '../../core/events.js';
import type { OutlierClass } from './classify.js';
import type { Host } from './host.js';
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
 * consecutive 5xx, consecutive
 * gateway failures, or a latency EWMA far above the peers' median take a host out for
 * base_ejection × 2^(n-1), capped at max_ejection. At most max_ejection_percent of the hosts may be
 * out at once, but never fewer than one: with two hosts, one may still be ejected.
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
        return;
      case 'server_error':
        host.consecutiveGatewayFailures = 0;
        if (++host.consecutive5xx >= cfg.consecutive_5xx && cfg.consecutive_5xx > 0) {
          this.#eject(host, 'consecutive_5xx');
        }
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
        }
        return;
      case 'neutral':
        return;
    }
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
    let ejected = 0;
    for (const h of hosts) if (h.ejectedUntil !== 0) ejected++;
    const allowed = Math.max(1, Math.floor((hosts.length * cfg.max_ejection_percent) / 100));
    // Over the cap: keep the streak so the next failure re-checks once another host returns.
    if (ejected >= allowed) return;
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
    if (ch.active) ch.publish({ pool: this.#d.pool, host: host.name, at: now });
    this.#d.onChange();
  }

  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }
}
