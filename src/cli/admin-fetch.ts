/**
 * GET a JSON document from a running gateway's admin API, for the commands that read one
 * (`keel handoff`, `keel slo status`). Exit-code rules shared by them: a server we cannot reach,
 * or a 4xx (wrong URL, missing token), is the user's to fix → UserError (exit 1); a 5xx or an
 * answer `accept` rejects is Keel's fault → reported and exit 2.
 */
import { adminToken } from './admin-token.js';
import { EXIT_INTERNAL, UserError } from './errors.js';

export interface AdminFetchOptions {
  admin: string;
  token?: string | undefined;
}

/** Returns the accepted document, or null after reporting an internal failure (exitCode set). */
export async function fetchAdminJson<T>(
  opts: AdminFetchOptions,
  path: string,
  what: string,
  accept: (v: unknown) => v is T,
): Promise<T | null> {
  const token = adminToken(opts.admin, opts.token);
  let res: Response;
  try {
    res = await fetch(`${opts.admin}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    throw new UserError(
      `cannot reach the admin API at ${opts.admin} (${why}); is the gateway running, and is --admin right?`,
    );
  }
  const text = await res.text();
  if (res.status >= 400 && res.status < 500) {
    const hint = res.status === 401 ? ' (pass --token or set KEEL_ADMIN_TOKEN)' : '';
    throw new UserError(`admin API answered ${res.status}: ${errorMessage(text)}${hint}`);
  }
  const body = res.ok ? parseJson(text) : undefined;
  if (body === undefined || !accept(body)) {
    process.stderr.write(
      `error: the admin API at ${opts.admin} answered ${res.status} without ${what}: ${errorMessage(text).slice(0, 200)}\n`,
    );
    process.exitCode = EXIT_INTERNAL;
    return null;
  }
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  const body = parseJson(text) as { error?: { message?: string } } | null | undefined;
  return (typeof body === 'object' && body?.error?.message) || text;
}
