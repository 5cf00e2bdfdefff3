/** GET /handoff (access `read`): the handoff JSON, derived from inputs gathered per request. */
import type { AdminRoute } from '../routes.js';
import { deriveHandoff } from './derive.js';
import type { HandoffInputs, HandoffThresholds } from './types.js';

export function handoffRoute(
  inputs: () => HandoffInputs | Promise<HandoffInputs>,
  thresholds: () => HandoffThresholds,
): AdminRoute {
  return {
    method: 'GET',
    path: '/handoff',
    access: 'read',
    handle: async () => ({
      status: 200,
      body: deriveHandoff(await inputs(), thresholds()), // sendJson: application/json, no-store
    }),
  };
}
