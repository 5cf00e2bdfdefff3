/** What `bounded` resolves with when the work took too long. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Races work against a timer: the cache must never hold a request up for longer than its budget
 * (docs/caching.md, "Tiers": carry on with memory alone after a short timeout). The timer is unref'd so a
 * pending cache call never keeps the process alive; rejections are the caller's to map.
 */
export function bounded<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
