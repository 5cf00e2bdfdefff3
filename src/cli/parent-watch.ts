/**
 * Under npm (`npx keel run`, `npm start`) Keel is the grandchild of the process the user sees:
 * npm runs `sh -c "keel …"`, and a SIGTERM to npm's PID ends npm and the shell without reaching
 * Keel, which the kernel hands to init (or a subreaper) and which would go on serving with nobody
 * left to stop it (docs/deploy.md, "Which process to signal"). So a Keel that npm started watches
 * its parent PID and, once it changes, drains and exits as on SIGTERM.
 *
 * Only under npm: a Keel started from a shell that then exits (`nohup keel run &`), or daemonized
 * by a process manager, is meant to outlive its parent.
 */

/** npm sets these for every script and for `npx` (npm exec). */
export function startedByNpm(env: Record<string, string | undefined>): boolean {
  return Boolean(env.npm_lifecycle_event || env.npm_execpath);
}

export interface ParentWatchOptions {
  /** How often the parent PID is read; 1 s by default (a cheap system call). */
  intervalMs?: number;
  /** Injected in tests; `process.ppid` reads the parent afresh on every call. */
  ppid?: () => number;
  /** Runs `tick` every `ms` until the returned function is called; an unref'd setInterval by default. */
  every?: (tick: () => void, ms: number) => () => void;
}

function unrefInterval(tick: () => void, ms: number): () => void {
  const timer = setInterval(tick, ms);
  timer.unref(); // never keeps the process alive
  return () => clearInterval(timer);
}

/**
 * Calls `gone(was, now)` once, when the parent PID is no longer the one it was at the start.
 * Returns the function that stops the watch.
 */
export function watchParent(
  gone: (was: number, now: number) => void,
  o: ParentWatchOptions = {},
): () => void {
  const read = o.ppid ?? (() => process.ppid);
  const was = read();
  let stopped = false;
  const stopTicks = (o.every ?? unrefInterval)(() => {
    if (stopped) return;
    const now = read();
    if (now === was) return;
    stop();
    gone(was, now);
  }, o.intervalMs ?? 1000);
  function stop(): void {
    stopped = true;
    stopTicks();
  }
  return stop;
}
