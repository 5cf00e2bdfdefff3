/**
 * The machine's cache directory under `keel run --workers N` (docs/caching.md, "The machine
 * store"): the primary makes it before the workers start and removes it after they exit; each
 * worker finds it in its environment and opens the same store.
 */
import { mapSizeFor } from '../proxy/cache/store/lmdb-env.js';
import { MACHINE_DIR_ENV, makeCacheDir, removeCacheDir } from '../proxy/cache/store/machine-dir.js';

export interface MachineCacheDir {
  readonly path: string;
  /** What every worker's environment carries. */
  readonly env: Record<string, string>;
  remove(): void;
}

/**
 * A fresh directory for this run, with room for a store of `maxBytes` (removed on exit too, should
 * the primary exit without a shutdown).
 */
export function makeMachineCacheDir(maxBytes: number): MachineCacheDir {
  const path = makeCacheDir('machine', mapSizeFor(maxBytes));
  const remove = (): void => removeCacheDir(path);
  process.once('exit', remove);
  return { path, env: { [MACHINE_DIR_ENV]: path }, remove };
}

/** In a worker: the directory its primary made, or null (a process alone makes its own). */
export function machineCacheDirOf(env: NodeJS.ProcessEnv): string | null {
  return env[MACHINE_DIR_ENV] ?? null;
}
