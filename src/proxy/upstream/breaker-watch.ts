import type { BreakerTransition } from '../../core/breaker.js';
import type { EventBus } from '../../core/events.js';
import type { Host } from './host.js';
import type { Cancel, Scheduler } from './timers.js';

/**
 * Wires each host's circuit breaker to the pool: publishes its transitions, keeps `breakerOpen`
 * in step (an OPEN host is not a candidate) and, because OPEN → HALF_OPEN happens lazily when the
 * breaker is next read, wakes up when the open timeout ends so the host rejoins the candidates and
 * receives its probes.
 */
export class BreakerWatch {
  readonly #pool: string;
  readonly #bus: EventBus;
  readonly #scheduler: Scheduler;
  readonly #onChange: () => void;
  readonly #timers = new Map<Host, Cancel>();
  #closed = false;

  constructor(pool: string, deps: { bus: EventBus; scheduler: Scheduler; onChange: () => void }) {
    this.#pool = pool;
    this.#bus = deps.bus;
    this.#scheduler = deps.scheduler;
    this.#onChange = deps.onChange;
  }

  /** The breaker's onTransition: runs inside breaker methods, so it only reads `t`, never the breaker. */
  onTransition(host: Host, t: BreakerTransition): void {
    const ch = this.#bus.channel('breaker.transition');
    if (ch.active) {
      ch.publish({
        scope: 'host',
        pool: this.#pool,
        host: host.name,
        route: '',
        from: t.from,
        to: t.to,
        reason: t.reason,
        at: t.at,
      });
    }
    host.breakerOpen = t.to === 'open';
    host.breakerSoft = host.breakerOpen && host.softFailure;
    this.#timers.get(host)?.();
    this.#timers.delete(host);
    if (host.breakerOpen && !this.#closed) {
      // Defer reading retryAfterMs(): the breaker may still be mid-transition.
      this.#arm(host, 0);
    }
    this.#onChange();
  }

  #arm(host: Host, ms: number): void {
    this.#timers.set(
      host,
      this.#scheduler.after(ms, () => this.#check(host)),
    );
  }

  #check(host: Host): void {
    this.#timers.delete(host);
    const breaker = host.breaker;
    if (breaker === null || this.#closed) return;
    // Reading the state moves OPEN → HALF_OPEN once the timeout passed; that transition comes
    // back through onTransition and recomputes the candidates.
    if (breaker.state.kind === 'open') {
      this.#arm(host, Math.max(1, breaker.retryAfterMs()));
    } else if (host.breakerOpen) {
      host.breakerOpen = false; // defensive: a breaker that changed state without telling us
      this.#onChange();
    }
  }

  close(): void {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }
}
