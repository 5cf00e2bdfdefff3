/** Windows as people write them: 2592000000 → "30d", 3600000 → "1h", 300000 → "5m". */
const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

export function formatWindow(ms: number): string {
  for (const [unit, size] of UNITS) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
