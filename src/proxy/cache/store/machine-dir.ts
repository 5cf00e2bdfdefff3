import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the machine store lives (docs/caching.md, "The machine store"). The cluster primary makes
 * one fresh directory per run and hands its path to every worker in this environment variable;
 * each `cache:` configuration gets its own store inside it, named by a hash of that configuration,
 * so the workers of one config version open the same one and a reload that changes `cache:` starts
 * an empty one, as a single process does.
 */
export const MACHINE_DIR_ENV = 'KEEL_CACHE_MACHINE_DIR';

/** A fresh directory for this run's machine stores (the primary's, removed by removeMachineDir). */
export function makeMachineDir(): string {
  return mkdtempSync(join(tmpdir(), 'keel-cache-machine-'));
}

export function removeMachineDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The directory name of the store for one `cache:` configuration. */
export function storeDirName(config: unknown): string {
  return `store-${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)}`;
}
