import type { BalancerAlgorithm, HashKey } from '../../config/types.js';
import { LeastConnBalancer } from './least-conn.js';
import { P2cEwmaBalancer } from './p2c-ewma.js';
import { RingHashBalancer } from './ring-hash.js';
import { RoundRobinBalancer } from './round-robin.js';
import type { Balancer, BalancerHost, BalancerOptions } from './types.js';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.js';

export { fmix32, hash32 } from './hash.js';
export { extractHashKey, type HashKeyExtractor, type HeaderBag, hashKeyExtractor } from './hash-key.js';
export type { Balancer, BalancerHost, BalancerOptions, PickContext } from './types.js';
export {
  LeastConnBalancer,
  P2cEwmaBalancer,
  RingHashBalancer,
  RoundRobinBalancer,
  WeightedRoundRobinBalancer,
};

export const BALANCER_ALGORITHMS: readonly BalancerAlgorithm[] = [
  'p2c_ewma',
  'round_robin',
  'least_conn',
  'weighted_round_robin',
  'ring_hash',
];

/**
 * Build the balancer for a pool, once per config version, not per request (docs/architecture.md,
 * "Decide at setup"). `hashKey` is only meaningful for ring_hash, and it is the caller that turns
 * it into a key per request (hashKeyExtractor) and passes it as PickContext.key.
 */
export function createBalancer<H extends BalancerHost>(
  algorithm: BalancerAlgorithm,
  opts: BalancerOptions & { hashKey?: HashKey | null },
): Balancer<H> {
  switch (algorithm) {
    case 'p2c_ewma':
      return new P2cEwmaBalancer<H>(opts);
    case 'round_robin':
      return new RoundRobinBalancer<H>(opts);
    case 'least_conn':
      return new LeastConnBalancer<H>(opts);
    case 'weighted_round_robin':
      return new WeightedRoundRobinBalancer<H>();
    case 'ring_hash':
      return new RingHashBalancer<H>(opts);
    default: {
      const unknown: never = algorithm;
      throw new TypeError(
        `unknown balancer algorithm ${JSON.stringify(unknown)} (known: ${BALANCER_ALGORITHMS.join(', ')})`,
      );
    }
  }
}
