/**
 * The admin token Keel makes for itself when the config names none (docs/security.md, "The admin
 * token"). Changing the gateway always takes a token, so a process of another local user, or a
 * page that found a way past the browser's checks, cannot drive it; the operator's own tools read
 * the token from a file only that user can read, as Jupyter does with its server token.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** 256 bits from the OS's CSPRNG, URL-safe so it can travel in a dashboard link's fragment. */
export function generateAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The directory for per-process runtime files: KEEL_RUNTIME_DIR, systemd's RUNTIME_DIRECTORY,
 * $XDG_RUNTIME_DIR/keel, else ~/.keel/run.
 */
export function runtimeDir(env: Env = process.env): string {
  if (env.KEEL_RUNTIME_DIR) return env.KEEL_RUNTIME_DIR;
  if (env.RUNTIME_DIRECTORY) return env.RUNTIME_DIRECTORY.split(':')[0]!;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'keel');
  return join(homedir(), '.keel', 'run');
}

/** Where the token of the admin server on `port` lives, unless admin.token_file names a path. */
export function adminTokenPath(port: number, env: Env = process.env): string {
  return join(runtimeDir(env), `admin-${port}.token`);
}

/**
 * Writes the token readable by this user only: the directory is created 0700, the file opened
 * without following a symlink someone may have planted, truncated, and set to 0600 even if it
 * existed with wider rights.
 */
export function writeAdminToken(path: string, token: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The token in `path`, or null when there is no readable, non-empty file there. */
export function readAdminToken(path: string): string | null {
  try {
    const t = readFileSync(path, 'utf8').trim();
    return t === '' ? null : t;
  } catch {
    return null;
  }
}

/** Removes the file at shutdown, if it still holds this process's token (a newer process may own it). */
export function removeAdminToken(path: string, token: string): void {
  if (readAdminToken(path) === token) rmSync(path, { force: true });
}
