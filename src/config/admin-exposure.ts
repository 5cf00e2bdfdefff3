// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
/**
 * The admin API can reconfigure the gateway, so it listens beyond loopback only behind a token
 * (docs/security.md, "The admin API"). A config problem rather than a start-up failure, so
 * `keel validate` refuses exactly what `keel run` refuses.
 */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** Message and fix when `admin` listens beyond loopback without a token; null when it may start. */
export function adminExposure(host: string, token: string | null): { message: string; hint: string } | null {
  if (isLoopback(host) || token) return null;
  return {
    message: `admin.host is "${host}", which is not loopback, and admin.token is not set`,
    hint: 'set admin.token from the environment (token: "${KEEL_ADMIN_TOKEN}") or bind the admin server to 127.0.0.1',
  };
}
