/**
 * The budget policy actions in force (policy.ts derives them): remembers when each started and
 * logs every start and stop with its reason (docs/slo-runtime.md "Budget policy").
 */
import type { SloConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { SloLog } from './contracts.js';
import type { SloStatus } from './engine.js';
import { actionKey, deriveActions, type PolicyAction, type RoutePolicy, routePolicies } from './policy.js';

export class PolicyBoard {
  readonly #log: SloLog;
  readonly #clock: Clock;
  #active = new Map<string, PolicyAction>();

  constructor(log: SloLog, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  /** Recomputes the actions; true when the per-route policy changed. */
  update(slos: readonly SloConfig[], status: readonly SloStatus[], routeNames: readonly string[]): boolean {
    const conditions = status.map((s) => ({
      name: s.name,
      pageFiring: s.alerts.filter((a) => a.firing && a.severity === 'critical').map((a) => a.tier),
      budgetRemaining: s.budget.remaining,
      events: s.events.total,
    }));
    const next = new Map<string, PolicyAction>();
    const now = new Date(this.#clock.now()).toISOString();
    for (const a of deriveActions(slos, conditions, routeNames)) {
      const key = actionKey(a);
      const prev = this.#active.get(key);
      next.set(key, { ...a, since: prev?.since ?? now });
      if (!prev) this.#log.warn(fields(a, 'started'), `budget policy ${a.action} started: ${a.reason}`);
    }
    for (const [key, a] of this.#active)
      if (!next.has(key))
        this.#log.info(fields(a, 'stopped'), `budget policy ${a.action} stopped for SLO ${a.slo}`);
    const before = JSON.stringify([...routePolicies([...this.#active.values()])]);
    this.#active = next;
    return JSON.stringify([...routePolicies([...next.values()])]) !== before;
  }

  list(): PolicyAction[] {
    return [...this.#active.values()];
  }

  routePolicies(): Map<string, RoutePolicy> {
    return routePolicies([...this.#active.values()]);
  }
}

function fields(a: Omit<PolicyAction, 'since'>, state: string): object {
  return { event: 'slo.policy', reason: a.reason, state, slo: a.slo, action: a.action, routes: a.routes };
}
