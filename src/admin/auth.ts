/**
 * Who may call what (docs/operations.md, "The admin API" and its "Auth"):
 * - probes (/healthz, /readyz) are always open, so orchestrators need no secret;
 * - with admin.token set, every mutating call (POST) needs `Authorization: Bearer <token>`;
 * - on a non-loopback address every call but the probes needs it, and startup refuses a
 *   non-loopback admin without a token (the admin API can reconfigure the gateway).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { adminExposure, isLoopback } from '../config/admin-exposure.js';

export { isLoopback };

/** secret: needs the token always; refused when none is configured (the cache purge). */
export type Access = 'probe' | 'read' | 'mutate' | 'secret';

/**
 * Throws a readable error for an admin server that must not start. A validated config never gets
 * here (the same check is a config problem at admin.token); this guards servers built in code.
 */
export function checkAdminExposure(host: string, token: string | null): void {
  const exposed = adminExposure(host, token);
  if (exposed !== null) throw new Error(`${exposed.message}; fix: ${exposed.hint}`);
}

export class AdminAuth {
  readonly #digest: Buffer | null;
  readonly #loopback: boolean;

  constructor(host: string, token: string | null) {
    checkAdminExposure(host, token);
    this.#digest = token ? sha256(token) : null;
    this.#loopback = isLoopback(host);
  }

  /** True when admin.token is set. */
  get hasToken(): boolean {
    return this.#digest !== null;
  }

  needsToken(access: Access): boolean {
    switch (access) {
      case 'probe':
        return false;
      case 'read':
        return !this.#loopback;
      case 'mutate':
        return this.#digest !== null || !this.#loopback;
      case 'secret':
        return true;
    }
  }

  /** True when the request may proceed. */
  allows(access: Access, authorization: string | undefined): boolean {
    if (!this.needsToken(access)) return true;
    if (!this.#digest || !authorization) return false;
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!m?.[1]) return false;
    // Hash both sides so the comparison is constant-time whatever the lengths.
    return timingSafeEqual(sha256(m[1]), this.#digest);
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
