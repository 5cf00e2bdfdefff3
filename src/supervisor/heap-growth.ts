/**
 * How far V8 lets the old generation grow past what the last full GC kept (docs/operations.md,
 * "Heap growth"). A gateway's live heap is small (about 25 MB) and its old generation grows slowly,
 * so V8's adaptive rule picks the smallest step it has: a full GC every ~8 MB of promoted data,
 * every 5-15 s under load. On the one core a worker runs on, each full GC stalled requests for
 * 20-100 ms (the pause plus marking work competing with the event loop): in the open-loop
 * benchmark one full GC fell inside nearly every 10 s run and set its p99 (docs/benchmarks.md).
 * Letting the heap grow to 4x what the last full GC kept makes them rare under load, for tens of
 * MB of memory. V8 reads the setting at every full GC, so it can be set once the process runs.
 */
import v8 from 'node:v8';

/** `keel run --heap-growth` default: the old generation may grow to 4x its live size. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 300;

/** How the primary hands the setting to its cluster workers (cluster.fork inherits the env). */
export const HEAP_GROWTH_ENV = 'KEEL_HEAP_GROWTH_PERCENT';

/**
 * 0 leaves V8's adaptive rule alone; N > 0 lets the old generation grow by N % between full GCs.
 * The environment carries the setting to cluster workers. `setFlags` is v8's, injectable because
 * a V8 flag cannot be read back from JavaScript; its effect is shown by the benchmark.
 */
export function applyHeapGrowth(
  percent: number,
  env: NodeJS.ProcessEnv = process.env,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): void {
  if (!Number.isInteger(percent) || percent < 0)
    throw new RangeError(`heap growth must be an integer >= 0, got ${percent}`);
  env[HEAP_GROWTH_ENV] = String(percent);
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}

function heapGrowthFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[HEAP_GROWTH_ENV];
  return raw === undefined || !/^\d+$/.test(raw) ? DEFAULT_HEAP_GROWTH_PERCENT : Number(raw);
}

/** In a worker: the primary's setting, or the default when it is missing or not a valid number. */
export function applyHeapGrowthFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): void {
  applyHeapGrowth(heapGrowthFromEnv(env), env, setFlags);
}

const NO_MEMORY_REDUCER = '--no-memory-reducer';

/**
 * The node options of a process that runs the gateway: `execArgv`, plus `--no-memory-reducer`
 * while heap growth is on. At a steady, modest rate V8 takes the low allocation rate for idleness
 * (and, failing that, a watchdog fires 100 s after the last full GC) and runs a "Mark-Compact
 * (reduce)" that shrinks the heap and the young generation; scavenges then come every 15-50 ms
 * until it has grown again, and requests waited 100-145 ms (docs/benchmarks.md, "Soak"). V8 reads
 * the flag only when the heap is set up, so it must be on node's command line: set at run time it
 * changes nothing (docs/operations.md, "Heap growth"). Cluster workers get it through
 * cluster.setupPrimary, a single process through `keel run`'s launcher (src/cli/launcher.ts).
 */
export function gatewayExecArgv(execArgv: readonly string[], heapGrowthPercent: number): string[] {
  const on = heapGrowthPercent > 0 && !execArgv.includes(NO_MEMORY_REDUCER);
  return on ? [...execArgv, NO_MEMORY_REDUCER] : [...execArgv];
}

/** A cluster worker's node options: the primary's, and the primary's heap-growth setting. */
export function workerExecArgv(execArgv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return gatewayExecArgv(execArgv, heapGrowthFromEnv(env));
}
