import type { Random } from '../../core/random.js';
import type { BalancerHost } from './types.js';

/**
 * Helpers shared by the balancers for the `exclude` rule (retries avoid hosts already tried).
 * All of them scan by index and allocate nothing: they run inside pick() (docs/architecture.md,
 * "No allocation on the hot path").
 */

/** True when `exclude` can rule anything out; an empty set is the common case and costs nothing. */
export function filtering(exclude: ReadonlySet<string> | undefined): exclude is ReadonlySet<string> {
  return exclude !== undefined && exclude.size > 0;
}

/** How many hosts are not excluded. */
export function countAllowed(hosts: readonly BalancerHost[], exclude: ReadonlySet<string>): number {
  let allowed = 0;
  for (let i = 0; i < hosts.length; i++) if (!exclude.has(hosts[i]!.id)) allowed++;
  return allowed;
}

/** The k-th (0-based) host not excluded; the caller guarantees k < countAllowed(). */
export function nthAllowed<H extends BalancerHost>(
  hosts: readonly H[],
  exclude: ReadonlySet<string>,
  k: number,
): H {
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!;
    if (exclude.has(h.id)) continue;
    if (k === 0) return h;
    k--;
  }
  // Unreachable when the caller respects the contract; the last host is a safe answer anyway.
  return hosts[hosts.length - 1]!;
}

/** A uniform index in [0, n); clamped so a scripted random that returns 1 cannot overflow. */
export function randomIndex(random: Random, n: number): number {
  const i = Math.floor(random.next() * n);
  return i < n ? i : n - 1;
}

/** A uniformly random host, avoiding excluded ones unless all are excluded. */
export function randomAllowed<H extends BalancerHost>(
  hosts: readonly H[],
  exclude: ReadonlySet<string> | undefined,
  random: Random,
): H | undefined {
  const n = hosts.length;
  if (n === 0) return undefined;
  if (filtering(exclude)) {
    const allowed = countAllowed(hosts, exclude);
    if (allowed > 0) return nthAllowed(hosts, exclude, randomIndex(random, allowed));
  }
  return hosts[randomIndex(random, n)];
}
