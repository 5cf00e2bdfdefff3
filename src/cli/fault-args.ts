/**
 * The positional arguments of `keel demo fault NAME MODE`, checked before anything is sent
 * (docs/operations.md, "keel demo fault"): a typo is a usage error with the known values, never a
 * request the admin API has to refuse.
 */
import { FAULT_MODES } from '../demo/fault.js';
import { DEMO_NAMES } from '../demo/fleet.js';

/** What is wrong with NAME or MODE, as a usage line; null when both are known. */
export function faultArgsProblem(name: string, mode: string): string | null {
  if (!(DEMO_NAMES as readonly string[]).includes(name))
    return `name: got ${JSON.stringify(name)}; expected one of ${DEMO_NAMES.join(', ')}`;
  if (!(FAULT_MODES as readonly string[]).includes(mode))
    return `mode: got ${JSON.stringify(mode)}; expected one of ${FAULT_MODES.join(', ')}`;
  return null;
}
