/**
 * RFC 9211 Cache-Status member for Keel. Parameters, in the RFC's order: hit (§2.1), fwd (§2.2:
 * why the request went forward), fwd-status (§2.3), ttl (§2.4, negative when stale), stored
 * (§2.5), collapsed (§2.6), key (§2.7), detail (§2.8).
 */
export interface CacheStatus {
  readonly hit?: boolean;
  readonly fwd?: 'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'miss' | 'request' | 'stale' | 'partial';
  readonly fwdStatus?: number;
  readonly ttl?: number;
  readonly stored?: boolean;
  readonly collapsed?: boolean;
  readonly key?: string;
  readonly detail?: string;
}

/** The cache's identifier in the list (RFC 9211 §2: a token or string naming the cache). */
export const CACHE_NAME = 'keel';

/** sf-token (RFC 8941 §3.3.4) when the text allows it, else sf-string (§3.3.3) with escapes. */
function tokenOrString(s: string): string {
  if (/^[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*$/.test(s)) return s;
  return `"${s.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** One member, e.g. "keel; hit; ttl=30" or "keel; fwd=stale; fwd-status=304". */
export function cacheStatusValue(s: CacheStatus): string {
  let out = CACHE_NAME;
  if (s.hit === true) out += '; hit';
  if (s.fwd !== undefined) out += `; fwd=${s.fwd}`;
  if (s.fwdStatus !== undefined) out += `; fwd-status=${Math.trunc(s.fwdStatus)}`;
  // RFC 8941 integers; Math.trunc (not floor) so a stale ttl of -0.5 shows as 0, not -1.
  if (s.ttl !== undefined && Number.isFinite(s.ttl)) out += `; ttl=${Math.trunc(s.ttl) || 0}`;
  if (s.stored === true) out += '; stored';
  if (s.collapsed === true) out += '; collapsed';
  if (s.key !== undefined) out += `; key=${JSON.stringify(s.key.replace(/[^\x20-\x7e]/g, ''))}`;
  if (s.detail !== undefined) out += `; detail=${tokenOrString(s.detail)}`;
  return out;
}

/**
 * RFC 9211 §2: members are ordered from the origin outwards, so a cache appends its member to any
 * Cache-Status the upstream (an inner cache) sent.
 */
export function appendCacheStatus(existing: string | undefined, member: string): string {
  return existing === undefined || existing.trim() === '' ? member : `${existing}, ${member}`;
}
