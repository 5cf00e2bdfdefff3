/** SloConfig values as the resolved config would hold them, for the generator's tests. */
import type { SloConfig } from '../../config/types.js';
import { defaultTiers } from '../budget-math.js';

const DAY = 86_400_000;

export function slo(over: Partial<SloConfig> & Pick<SloConfig, 'name' | 'kind'>): SloConfig {
  const window = over.window ?? 30 * DAY;
  return {
    routes: [],
    objective: 99.9,
    window,
    latency_threshold: null,
    min_rps: null,
    good: { client_errors_bad: false, bad_statuses: [] },
    alerting: {
      enabled: true,
      runbook_url: `https://runbooks.example/${over.name}`,
      min_events: 100,
      tiers: defaultTiers(window),
      receivers: [],
    },
    policy: { stop_retries: false, shed_share: 0, freeze_reloads: false },
    ...over,
  };
}
