import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
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

/** Directories Keel makes for its stores carry their maker's pid. */
const NAME = /^keel-cache-(?:machine|own)-(\d+)-/;
const TMPFS_MAGIC = 0x01021994;
const SHM = '/dev/shm';

/**
 * A fresh directory for cache stores: `machine` for a cluster primary (its workers share it),
 * `own` for a process alone. In memory when the machine has room there (a tmpfs at /dev/shm with
 * at least `needBytes` free: the store is a cache, writing it back to a disk is wasted I/O),
 * under the system's temporary directory otherwise. Its maker removes it when it closes;
 * directories left by processes that no longer exist (killed with SIGKILL) are removed first.
 */
export function makeCacheDir(kind: 'machine' | 'own', needBytes = 0): string {
  const tmp = tmpdir();
  for (const root of [SHM, tmp]) sweep(root);
  const root = roomIn(SHM, needBytes) ? SHM : tmp;
  return mkdtempSync(join(root, `keel-cache-${kind}-${process.pid}-`));
}

export function removeCacheDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The directory name of the store for one `cache:` configuration. */
export function storeDirName(config: unknown): string {
  return `store-${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)}`;
}

function roomIn(dir: string, needBytes: number): boolean {
  try {
    const s = statfsSync(dir);
    return s.type === TMPFS_MAGIC && s.bavail * s.bsize >= needBytes;
  } catch {
    return false; // not Linux, or no /dev/shm
  }
}

function sweep(root: string): void {
  try {
    for (const name of readdirSync(root)) {
      const m = NAME.exec(name);
      if (m !== null && !processAlive(Number(m[1])))
        rmSync(join(root, name), { recursive: true, force: true });
    }
  } catch {
    // Another process removed one meanwhile, or the listing failed: nothing depends on the sweep.
  }
}
