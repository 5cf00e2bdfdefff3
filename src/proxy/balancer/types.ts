import type { Random } from '../../core/random.js';

/**
 * What a balancer reads of a host. The upstream pool owns the live objects and mutates these
 * fields; balancers read them at pick time and never allocate per pick (docs/architecture.md, "No
 * allocation on the hot path").
 */
export interface BalancerHost {
  readonly id: string; // stable, e.g. "127.0.0.1:8081"
  /** Effective weight: configured weight × slow-start ramp factor; > 0. */
  readonly weight: number;
  /** Requests currently in flight to this host. */
  readonly inFlight: number;
  /** Latency EWMA in ms; 0 when nothing is known yet. */
  readonly latencyEwma: number;
  /** Clock reading of the EWMA's latest sample, when the host keeps one (p2c_ewma forgets stale ones). */
  readonly latencyAt?: number;
}

export interface PickContext {
  /** Sharding key for ring_hash (header, cookie or path value); ignored by others. */
  key: string | undefined;
  /** Hosts already tried by this request: avoid them if any other host is available. */
  exclude: ReadonlySet<string> | undefined;
}

/**
 * Small strategy interface, one implementation per file (docs/architecture.md, "One strategy per
 * file"). No I/O, no timers.
 */
export interface Balancer<H extends BalancerHost = BalancerHost> {
  readonly algorithm: string;
  /** The candidate set changed (membership, health, ejection). Called rarely; may precompute. */
  update(hosts: readonly H[]): void;
  /**
   * Choose a host. Hosts in `exclude` are skipped unless every host is excluded, in which case
   * the choice is made among all. Returns undefined only when the candidate set is empty.
   */
  pick(ctx: PickContext): H | undefined;
}

export interface BalancerOptions {
  random: Random;
}
