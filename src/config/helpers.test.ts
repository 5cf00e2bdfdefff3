/** Helpers shared by the config tests; named *.test.ts so it is never shipped in the package. */
import { type LoadResult, validateConfig } from './validate.js';

/** The smallest valid config, to which a test adds the one mistake it is about. */
export function minimal(): Record<string, unknown> {
  return { pools: { web: { hosts: ['http://127.0.0.1:8081'] } }, routes: [{ pool: 'web' }] };
}

/** "path: message" lines of a failed validation (throws when it unexpectedly succeeded). */
export function problemLines(raw: unknown): string[] {
  return linesOf(validateConfig(raw, {}));
}

export function linesOf(r: LoadResult): string[] {
  if (r.ok) throw new Error('expected problems, but the config is valid');
  return r.problems.map((p) => `${p.path}: ${p.message}`);
}
