import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './pid.js';

/**
 * Where the machine store lives (docs/caching.md, "The machine store"). The cluster primary makes
 * one fresh directory per run and hands its path to every worker in this environment variable;
 * each `cache:` configuration gets its own store inside it, named by a hash of that configuration,
 * so the workers of one config version open the same one and a reload that changes `cache:` starts
 * an empty one, as a single process does.
 */
export const MACHINE_DIR_ENV = 'KEEL_CACHE_MACHINE_DIR';

/** Directories Keel makes under the system's temporary directory carry their maker's pid. */
const NAME = /^keel-cache-(?:machine|own)-(\d+)-/;

/**
 * A fresh directory for cache stores under the system's temporary directory: `machine` for a
 * cluster primary (its workers share it), `own` for a process alone. Its maker removes it when it
 * closes; directories left by processes that no longer exist (killed with SIGKILL) are removed
 * first.
 */
export function makeCacheDir(kind: 'machine' | 'own'): string {
  const root = tmpdir();
  try {
    for (const name of readdirSync(root)) {
      const m = NAME.exec(name);
      if (m !== null && !processAlive(Number(m[1])))
        rmSync(join(root, name), { recursive: true, force: true });
    }
  } catch {
    // Another process removed one meanwhile, or the listing failed: nothing depends on the sweep.
  }
  return mkdtempSync(join(root, `keel-cache-${kind}-${process.pid}-`));
}

export function removeCacheDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The directory name of the store for one `cache:` configuration. */
export function storeDirName(config: unknown): string {
  return `store-${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)}`;
}
