/**
 * Spans of time as people read them in a budget: 2592000 s → "30d", 2592 s → "43m 12s",
 * 86.4 s → "1m 26.4s". Seconds keep one decimal, so small budgets are not rounded to zero.
 */
const PARTS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
];

export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  // Tenths of a second, rounded once, so "59.96s" cannot print as "60s".
  let rest = Math.round(ms / 100) * 100;
  if (rest === 0) return ms === 0 ? '0s' : `${round3(ms)}ms`;
  const out: string[] = [];
  for (const [unit, size] of PARTS) {
    if (rest >= size) {
      out.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) out.push(`${rest / 1000}s`);
  return out.join(' ');
}

function round3(n: number): number {
  return Number(n.toPrecision(3));
}

const WINDOW = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30d", "4w", "28d", "6h": a window as the CLI takes it; null when not that syntax. */
export function parseWindow(text: string): number | null {
  const m = WINDOW.exec(text.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : null;
}
