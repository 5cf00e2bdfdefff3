import type { BalancerHost } from './types.js';

// Named *.test-util.ts so the package "files" rule (!dist/src/**/*.test.*) keeps it out of the tarball.

/** A mutable host for balancer tests: the pool mutates these fields on live hosts the same way. */
export interface TestHost extends BalancerHost {
  id: string;
  weight: number;
  inFlight: number;
  latencyEwma: number;
  latencyAt?: number;
}

export function testHost(id: string, fields: Partial<Omit<TestHost, 'id'>> = {}): TestHost {
  return { id, weight: 1, inFlight: 0, latencyEwma: 0, ...fields };
}

export function testHosts(n: number, prefix = 'h'): TestHost[] {
  return Array.from({ length: n }, (_, i) => testHost(`${prefix}${i}`));
}

/** How many times each id was picked. */
export function tally(picks: readonly (BalancerHost | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of picks) if (p !== undefined) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
  return counts;
}
