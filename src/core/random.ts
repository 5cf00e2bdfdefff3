/**
 * Randomness comes in through this interface so that jitter, sampling and balancer choices are
 * reproducible in tests (docs/architecture.md, "Injected time and randomness").
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

export const mathRandom: Random = { next: () => Math.random() };

/** mulberry32: small, fast, and good enough for jitter and load-balancing choices. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A random source that replays a script of values, cycling: for tests. */
export function scriptedRandom(values: readonly number[]): Random {
  if (values.length === 0) throw new RangeError('scriptedRandom needs at least one value');
  let i = 0;
  return {
    next() {
      const v = values[i % values.length]!;
      i++;
      return v;
    },
  };
}
