/**
 * `keel run` as a single process (`--workers 1`, or a machine with one core) needs node options
 * that only node's command line can set (`--no-memory-reducer`, src/supervisor/heap-growth.ts). When
 * node was started without them, `keel run` becomes a launcher, as nginx has a master: it starts
 * the gateway as `node <options> <the same arguments>`, relays SIGHUP, SIGTERM and SIGINT to it, and
 * exits as it exits (docs/deploy.md, "Which process to signal").
 *
 * The gateway runs in its own process group, so Ctrl-C in a terminal reaches it once, through the
 * launcher, rather than twice (a second SIGINT means "exit without draining"). It knows the
 * launcher by KEEL_LAUNCHER_PID and drains if the launcher disappears (signals.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EXIT_INTERNAL } from './errors.js';
import { startedByNpm, watchParent } from './parent-watch.js';

/** Set in the gateway's environment: the PID of the launcher that started it. */
export const LAUNCHER_ENV = 'KEEL_LAUNCHER_PID';

const RELAYED = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;

/**
 * True when node was started with its inspector (`--inspect`, `--inspect-brk`, `--inspect-wait`):
 * the user means to debug the process they started, and a gateway child would find the inspector's
 * port taken by the launcher. `keel run` then stays one process.
 */
export function inspected(execArgv: readonly string[]): boolean {
  return execArgv.some((a) => /^--inspect(-brk|-wait)?(=|$)/.test(a));
}

/** True in a gateway started by a launcher that is still its parent. */
export function launchedBy(env: Record<string, string | undefined>, ppid: number = process.ppid): boolean {
  return env[LAUNCHER_ENV] !== undefined && env[LAUNCHER_ENV] === String(ppid);
}

/**
 * Starts the gateway with `execArgv` and relays signals to it until it exits; then this process
 * exits with its code, or dies of the same signal. Never returns control to the command.
 */
export function launch(
  execArgv: readonly string[],
  args: readonly string[] = process.argv.slice(1),
): ChildProcess {
  const gateway = spawn(process.execPath, [...execArgv, ...args], {
    // stdin is not the gateway's: a process outside the terminal's foreground group that read it
    // would be stopped (SIGTTIN).
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, [LAUNCHER_ENV]: String(process.pid) },
  });
  const relay = (signal: NodeJS.Signals) => () => {
    gateway.kill(signal);
  };
  const handlers = RELAYED.map((s) => [s, relay(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  // Under npm the launcher, like Keel itself, must not outlive npm (parent-watch.ts); it goes, and
  // the gateway, seeing its parent gone, drains and exits.
  const unwatch = startedByNpm(process.env) ? watchParent(() => process.exit(0)) : () => undefined;
  gateway.once('error', (err) => {
    process.stderr.write(`internal error: could not start the gateway process: ${err.message}\n`);
    process.exit(EXIT_INTERNAL);
  });
  gateway.once('exit', (code, signal) => {
    unwatch();
    for (const [s, h] of handlers) process.off(s, h);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? EXIT_INTERNAL);
  });
  return gateway;
}
