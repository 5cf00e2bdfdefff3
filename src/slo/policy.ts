/**
 * Budget policy (docs/slo-runtime.md "Budget policy"): what the gateway enforces per SLO
 * while its budget burns fast or is spent, derived purely from the engine's status.
 *
 * - stop_retries: while a page-severity (critical) alert fires or the budget is spent, the SLO's
 *   routes stop retrying (retries add load to an upstream that is already failing its users).
 * - shed_share: while the budget is spent, that share of the SLO's routes' requests is shed.
 * - freeze_reloads: while the budget is spent, hot reloads not marked as fixes are refused.
 *
 * Routes covered by several SLOs get the strictest combination (no retries if any SLO says so,
 * the largest shed share).
 */
import type { SloConfig } from '../config/types.js';

export type PolicyActionKind = 'stop_retries' | 'shed_share' | 'freeze_reloads';

export interface PolicyAction {
  slo: string;
  action: PolicyActionKind;
  routes: string[];
  /** For shed_share: the share shed (0..1). */
  share?: number;
  reason: string;
  since: string; // ISO time the action started
}

export interface RoutePolicy {
  retries: boolean;
  shedShare: number;
}

/** The facts the policy needs about one SLO (a subset of the engine's status). */
export interface SloCondition {
  name: string;
  pageFiring: string[]; // tiers of critical severity firing now
  budgetRemaining: number | null; // share left; null = no data
  /** Events in the SLO's window; a spent budget counts only from alerting.min_events on. */
  events?: number;
}

export function deriveActions(
  slos: readonly SloConfig[],
  conditions: readonly SloCondition[],
  routeNames: readonly string[],
): Array<Omit<PolicyAction, 'since'>> {
  const out: Array<Omit<PolicyAction, 'since'>> = [];
  for (const slo of slos) {
    const c = conditions.find((x) => x.name === slo.name);
    if (!c) continue;
    // One failed request out of one is a spent budget on paper only: the policy waits for the
    // same evidence as the burn-rate alerts (alerting.min_events; docs/slo-runtime.md).
    const enough = slo.kind === 'throughput' || c.events === undefined || c.events >= slo.alerting.min_events;
    const spent = c.budgetRemaining !== null && c.budgetRemaining <= 0 && enough;
    const routes = slo.routes.length > 0 ? [...slo.routes] : [...routeNames];
    const spentWhy = `error budget of SLO ${slo.name} is spent (${pct(c.budgetRemaining)} left)`;
    if (slo.policy.stop_retries && (spent || c.pageFiring.length > 0)) {
      const reason = spent
        ? spentWhy
        : `SLO ${slo.name} burns fast: page alert ${c.pageFiring.join(', ')} firing`;
      out.push({ slo: slo.name, action: 'stop_retries', routes, reason });
    }
    if (slo.policy.shed_share > 0 && spent)
      out.push({
        slo: slo.name,
        action: 'shed_share',
        routes,
        share: slo.policy.shed_share,
        reason: spentWhy,
      });
    if (slo.policy.freeze_reloads && spent)
      out.push({ slo: slo.name, action: 'freeze_reloads', routes, reason: spentWhy });
  }
  return out;
}

/** Per-route policy from the active actions; routes not listed run normally. */
export function routePolicies(actions: ReadonlyArray<Omit<PolicyAction, 'since'>>): Map<string, RoutePolicy> {
  const m = new Map<string, RoutePolicy>();
  for (const a of actions) {
    if (a.action === 'freeze_reloads') continue;
    for (const r of a.routes) {
      const p = m.get(r) ?? { retries: true, shedShare: 0 };
      if (a.action === 'stop_retries') p.retries = false;
      else p.shedShare = Math.max(p.shedShare, a.share ?? 0);
      m.set(r, p);
    }
  }
  return m;
}

export function actionKey(a: Omit<PolicyAction, 'since'>): string {
  return `${a.slo}:${a.action}`;
}

function pct(share: number | null): string {
  return share === null ? 'no data' : `${(share * 100).toFixed(1)}%`;
}
