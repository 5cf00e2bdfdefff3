/**
 * Median of the first `n` values of `buf`, sorted in place by insertion sort: pools hold a handful
 * of hosts, and this runs on the request path, so no allocation (docs/architecture.md, "No
 * allocation on the hot path").
 */
export function medianInto(buf: Float64Array, n: number): number {
  if (n <= 0) return 0;
  for (let i = 1; i < n; i++) {
    const v = buf[i]!;
    let j = i - 1;
    while (j >= 0 && buf[j]! > v) {
      buf[j + 1] = buf[j]!;
      j--;
    }
    buf[j + 1] = v;
  }
  const mid = n >> 1;
  return n % 2 === 1 ? buf[mid]! : (buf[mid - 1]! + buf[mid]!) / 2;
}
