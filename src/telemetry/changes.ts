/**
 * The handoff report's `recent_changes`: a bounded ring of the control-plane events an on-call
 * engineer needs to know about (reloads, ejections and recoveries, breaker transitions, endpoint
 * breaker transitions, health verdicts, panic mode). Only rare events are subscribed — nothing runs per request.
 */
import { type Clock, systemClock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';

export type ChangeType =
  | 'config.reload'
  | 'host.ejected'
  | 'host.restored'
  | 'host.ejection_ended'
  | 'breaker.transition'
  | 'endpoint.transition'
  | 'health.changed'
  | 'pool.panic';

export interface Change {
  time: string; // ISO 8601
  type: ChangeType;
  pool?: string;
  host?: string;
  route?: string;
  /** An endpoint of `route` (endpoint.transition), e.g. "GET /broken". */
  endpoint?: string;
  from?: string;
  to?: string;
  reason: string;
  /** Set by the supervisor's merge: which worker saw it. */
  worker?: number;
}

/** A fixed-capacity ring: the oldest change is overwritten once full. */
export class ChangeRing {
  readonly #buf: Array<Change | undefined>;
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 100) {
    this.#buf = new Array<Change | undefined>(capacity);
  }

  push(c: Change): void {
    this.#buf[this.#next] = c;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Newest first, at most `limit`. */
  list(limit = this.capacity): Change[] {
    const out: Change[] = [];
    for (let i = 1; i <= Math.min(limit, this.#size); i++)
      out.push(this.#buf[(this.#next - i + this.capacity) % this.capacity]!);
    return out;
  }
}

/** Records the bus's change events into `ring`; returns the unsubscribe function. */
export function subscribeChanges(bus: EventBus, ring: ChangeRing, clock: Clock = systemClock): () => void {
  const iso = (at: number | undefined) => new Date(at ?? clock.now()).toISOString();
  const offs = [
    bus.on('config.reload', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'config.reload',
        to: e.version,
        reason: e.ok
          ? `${e.source}: loaded version ${e.version}`
          : `${e.source}: rejected (${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}${
              e.problems[0] ? `: ${e.problems[0]}` : ''
            })`,
      }),
    ),
    bus.on('host.ejected', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'host.ejected',
        pool: e.pool,
        host: e.host,
        reason: `${e.reason}; ejected for ${e.ejectionMs}ms (ejection #${e.ejections})`,
      }),
    ),
    // "Restored" only when the host is back in rotation: an ejection that ends while the host
    // still fails its active health check is no recovery (docs/handoff.md, "recent_changes");
    // its recovery is the later health.changed to healthy.
    bus.on('host.restored', (e) =>
      ring.push(
        e.healthy
          ? { time: iso(e.at), type: 'host.restored', pool: e.pool, host: e.host, reason: 'ejection ended' }
          : {
              time: iso(e.at),
              type: 'host.ejection_ended',
              pool: e.pool,
              host: e.host,
              reason:
                'ejection ended; still failing its active health check, out of rotation until it passes',
            },
      ),
    ),
    bus.on('breaker.transition', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'breaker.transition',
        pool: e.pool,
        ...(e.scope === 'host' ? { host: e.host } : { route: e.route }),
        from: e.from,
        to: e.to,
        reason: e.reason,
      }),
    ),
    bus.on('endpoint.transition', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'endpoint.transition',
        pool: e.pool,
        route: e.route,
        endpoint: e.endpoint,
        from: e.from,
        to: e.to,
        reason: e.reason,
      }),
    ),
    bus.on('health.changed', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'health.changed',
        pool: e.pool,
        host: e.host,
        from: e.healthy ? 'unhealthy' : 'healthy',
        to: e.healthy ? 'healthy' : 'unhealthy',
        reason: 'active health check verdict',
      }),
    ),
    bus.on('pool.panic', (e) =>
      ring.push({
        time: iso(e.at),
        type: 'pool.panic',
        pool: e.pool,
        to: e.panic ? 'panic' : 'normal',
        reason: `${e.available}/${e.total} hosts available`,
      }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
