/**
 * Which route breakers are not closed right now. Route breakers live inside compiled route chains
 * and have no admin view; their transitions on the bus are the truth, so this board follows them.
 */
import type { BreakerStateName, EventBus } from '../core/events.js';

export interface RouteBreakerState {
  route: string;
  pool: string;
  state: Exclude<BreakerStateName, 'closed'>;
  since: string; // ISO time of the transition into this state
}

export class RouteBreakerBoard {
  readonly #open = new Map<string, RouteBreakerState>();

  subscribe(bus: EventBus): () => void {
    return bus.on('breaker.transition', (e) => {
      if (e.scope !== 'route') return;
      if (e.to === 'closed') this.#open.delete(e.route);
      else
        this.#open.set(e.route, {
          route: e.route,
          pool: e.pool,
          state: e.to,
          since: new Date(e.at).toISOString(),
        });
    });
  }

  list(): RouteBreakerState[] {
    return [...this.#open.values()];
  }
}
