/**
 * Durations in the file: a number is milliseconds; a string carries one unit — "250ms", "2s",
 * "1m", "1h", "1.5s". The resolved Config holds whole milliseconds.
 */

import { describeValue } from './path.js';

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string; hint: string };

/** Node timers overflow above 2^31-1 ms (about 24.8 days) and then fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
/** For JSON Schema: the same grammar (numbers are checked by type). */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?(ms|s|m|h)\\s*$';
const EXAMPLES = 'a number of milliseconds or a string like "250ms", "2s", "1.5s", "1m", "1h"';

export function parseDuration(v: unknown): DurationResult {
  if (typeof v === 'number') return check(v, String(v));
  if (typeof v !== 'string') {
    return {
      ok: false,
      message: `expected a duration, received ${describeValue(v)}`,
      hint: `use ${EXAMPLES}`,
    };
  }
  const m = DURATION.exec(v.trim());
  if (m === null) {
    const bare = /^\d+(\.\d+)?$/.test(v.trim());
    return {
      ok: false,
      message: `${JSON.stringify(v)} is not a duration`,
      hint: bare ? `add a unit, e.g. "${v.trim()}ms", or write the number without quotes` : `use ${EXAMPLES}`,
    };
  }
  return check(Number(m[1]) * UNIT_MS[m[2]!]!, JSON.stringify(v));
}

function check(ms: number, shown: string): DurationResult {
  if (!Number.isFinite(ms) || ms < 0) {
    return { ok: false, message: `${shown} is not a duration`, hint: `use ${EXAMPLES} (not negative)` };
  }
  const rounded = Math.round(ms);
  if (rounded > MAX_DURATION_MS) {
    return {
      ok: false,
      message: `${shown} is too long (${rounded} ms)`,
      hint: `use at most ${MAX_DURATION_MS} ms (about 24 days): Node timers overflow beyond it`,
    };
  }
  return { ok: true, ms: rounded };
}

/** The inverse, for docs and messages: 1500 → "1.5s", 60000 → "1m". */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 100 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
