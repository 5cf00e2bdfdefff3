import type { CacheControl } from './directives.js';
import { requestDirectives, responseDirectives } from './effective.js';
import { type CacheRequest, type CacheResponse, fieldValue, firstValue } from './fields.js';
import { HEURISTICALLY_CACHEABLE, UNDERSTOOD } from './status-codes.js';

/** Why a response is not stored: a short token for logs and metrics. */
export type StoreRefusal =
  | 'method'
  | 'status'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'must-understand'
  | 'vary-star'
  | 'no-freshness';

/**
 * RFC 9111 §3 for a shared cache: returns null when the response may be stored, else the reason.
 * `cc` may be passed when the caller already parsed the response directives.
 */
export function storeRefusal(req: CacheRequest, res: CacheResponse, cc?: CacheControl): StoreRefusal | null {
  // §3: the request method is understood and cacheable. Only GET is stored; a HEAD is answered
  // from the stored GET (§4.3.5 / RFC 9110 §9.3.2), never stored on its own.
  if (req.method !== 'GET') return 'method';
  const status = res.status;
  // §3: a final response; 206 and 304 are not stored as such (§3.3, §4.3.4).
  if (status < 200 || status === 206 || status === 304) return 'status';
  const d = cc ?? responseDirectives(res.headers);
  // §5.2.2.3: must-understand requires the cache to understand the status code.
  if (d.mustUnderstand && !UNDERSTOOD.has(status)) return 'must-understand';
  // §5.2.2.5 and §5.2.1.5. Keel does not take the optional must-understand exemption from
  // no-store: no-store always wins.
  if (d.noStore || requestDirectives(req.headers).noStore) return 'no-store';
  if (d.private) return 'private'; // §3, §5.2.2.7: a shared cache
  // §3.5: a shared cache stores an answer to an authorized request only when the response says so.
  if (fieldValue(req.headers, 'authorization') !== undefined) {
    if (!d.mustRevalidate && !d.public && d.sMaxAge === undefined) return 'authorization';
  }
  // §4.1: "Vary: *" always fails to match, so storing it only wastes space.
  if (varyStar(res)) return 'vary-star';
  // §3: explicit freshness, public, or a heuristically cacheable status.
  const explicit =
    d.public ||
    d.maxAge !== undefined ||
    d.sMaxAge !== undefined ||
    (!d.targeted && firstValue(res.headers, 'expires') !== undefined) ||
    HEURISTICALLY_CACHEABLE.has(status);
  return explicit ? null : 'no-freshness';
}

export function isStorable(req: CacheRequest, res: CacheResponse, cc?: CacheControl): boolean {
  return storeRefusal(req, res, cc) === null;
}

function varyStar(res: CacheResponse): boolean {
  const v = fieldValue(res.headers, 'vary');
  if (v === undefined) return false;
  return v.split(',').some((f) => f.trim() === '*');
}
