/**
 * How the examples Keel prints (`--help`, the demo banner, hints) spell the command, so that each
 * works as typed after the install the docs describe (docs/deploy.md, "Install as a command"):
 * `keel` when the first `keel` on the user's PATH is this very program (a global install,
 * `npm install -g`), `npx keel` otherwise (a clone after `npm install`, or a project that depends
 * on keel: npm puts the command in node_modules/.bin, where only npx and npm scripts look).
 *
 * Directories named `node_modules/.bin` are skipped: npm prepends them to PATH for what it runs
 * (`npx keel`, `npm start`), so they are not the PATH of the user's next shell command.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KeelCommand = 'keel' | 'npx keel';

const NPM_BIN = `${sep}node_modules${sep}.bin`;

/** `self`: the real path of the running CLI entry point (main.js). */
export function keelCommandFor(pathEnv: string | undefined, self: string): KeelCommand {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '' || dir.endsWith(NPM_BIN) || dir.endsWith(`${NPM_BIN}${sep}`)) continue;
    const real = executableRealPath(join(dir, 'keel'));
    // The shell runs the first executable `keel` it finds; a different one means ours is not it.
    if (real !== null) return real === self ? 'keel' : 'npx keel';
  }
  return 'npx keel';
}

function executableRealPath(file: string): string | null {
  try {
    accessSync(file, constants.X_OK);
    return realpathSync(file);
  } catch {
    return null;
  }
}

let cached: KeelCommand | undefined;

/** For this process: its PATH and its own main.js (computed once, on first use). */
export function keelCommand(): KeelCommand {
  cached ??= keelCommandFor(process.env.PATH, selfPath());
  return cached;
}

function selfPath(): string {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  try {
    return realpathSync(main);
  } catch {
    return main;
  }
}
