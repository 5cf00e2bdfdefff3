/**
 * GET /api/v1/slos: every SLO's status as the engine computes it (docs/slo-runtime.md): SLI,
 * budget, burn rates, time to exhaustion, alert tiers. Under the supervisor this is the primary's
 * engine, which holds the merged counts of every worker. `keel slo status` reads it.
 */
import type { SloStatus } from '../slo/engine.js';
import type { PolicyAction } from '../slo/policy.js';
import type { AdminRoute } from './routes.js';

export interface SlosResponse {
  slos: SloStatus[];
  /** Budget policy actions in force (docs/slo-runtime.md "Budget policy"). */
  policy_actions: PolicyAction[];
}

export function sloRoute(view: () => SlosResponse | Promise<SlosResponse>): AdminRoute {
  return {
    method: 'GET',
    path: '/api/v1/slos',
    access: 'read',
    handle: async () => ({ status: 200, body: await view() }),
  };
}
