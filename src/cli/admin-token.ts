/**
 * The admin token a CLI command sends: `--token`, else KEEL_ADMIN_TOKEN, else the file a running
 * Keel generated for the admin port the command talks to (docs/security.md, "The admin token").
 */
import { adminTokenPath, readAdminToken } from '../admin/token-file.js';

export function adminToken(
  admin: string,
  explicit: string | undefined,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (explicit) return explicit;
  if (env.KEEL_ADMIN_TOKEN) return env.KEEL_ADMIN_TOKEN;
  let port: number;
  try {
    const u = new URL(admin);
    port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
  return readAdminToken(adminTokenPath(port, env)) ?? undefined;
}

/** What the started log line may say of the admin server: never the token itself. */
export function adminForLog(a: { host: string; port: number; tokenFile: string | null }) {
  return { host: a.host, port: a.port, token_file: a.tokenFile };
}
