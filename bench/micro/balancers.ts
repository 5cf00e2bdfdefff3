/**
 * Micro benchmark of the balancers' pick(): the call made on every proxied request.
 * Run: `npm run build && node dist/bench/micro/balancers.js`. Prints picks/s; asserts nothing.
 * Each pick is followed by an inFlight increment and a decrement of the host picked 8 picks
 * earlier, so load-aware balancers see a changing, realistic in-flight picture.
 */
import { seededRandom } from '../../src/core/random.js';
import { BALANCER_ALGORITHMS, type BalancerHost, createBalancer } from '../../src/proxy/balancer/index.js';

interface Host extends BalancerHost {
  id: string;
  weight: number;
  inFlight: number;
  latencyEwma: number;
}

const PICKS = 1_000_000;
const keys = Array.from({ length: 4096 }, (_, i) => `user-${i}`);

function run(algorithm: (typeof BALANCER_ALGORITHMS)[number], hostCount: number, picks: number): number {
  const hosts: Host[] = Array.from({ length: hostCount }, (_, i) => ({
    id: `10.0.${i >> 8}.${i & 255}:8080`,
    weight: 1 + (i % 3),
    inFlight: 0,
    latencyEwma: 5 + (i % 7),
  }));
  const balancer = createBalancer<Host>(algorithm, {
    random: seededRandom(1),
    hashKey: { header: 'x-user' },
  });
  balancer.update(hosts);
  const recent: Host[] = new Array(8);
  const ctx = { key: undefined as string | undefined, exclude: undefined };
  const start = process.hrtime.bigint();
  for (let i = 0; i < picks; i++) {
    ctx.key = keys[i & 4095];
    const h = balancer.pick(ctx)!;
    h.inFlight++;
    const old = recent[i & 7];
    if (old !== undefined) old.inFlight--;
    recent[i & 7] = h;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return (picks / ns) * 1e9;
}

const fmt = (n: number): string => `${(n / 1e6).toFixed(2)}M`;
console.log(`balancer pick() throughput, ${PICKS.toLocaleString('en')} picks each (picks/s)`);
console.log(`${'algorithm'.padEnd(22)}${'3 hosts'.padStart(10)}${'50 hosts'.padStart(10)}`);
for (const algorithm of BALANCER_ALGORITHMS) {
  run(algorithm, 3, PICKS / 10); // warm up the JIT
  run(algorithm, 50, PICKS / 10);
  console.log(
    `${algorithm.padEnd(22)}${fmt(run(algorithm, 3, PICKS)).padStart(10)}${fmt(run(algorithm, 50, PICKS)).padStart(10)}`,
  );
}
