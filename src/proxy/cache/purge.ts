import type { EdgeCache } from './edge.js';
import { baseKeyOfUrl } from './keys.js';

/** A purge request (POST /api/v1/cache/purge): exactly one of `url` and `prefix`. */
export type PurgeRequest = { url: string } | { prefix: string };

export interface PurgeResult {
  /** Entries removed (a URL's Vary variants and key-header entries each count). */
  purged: number;
}

/**
 * Checks a purge body; returns the request or a message saying what is wrong. `url` is
 * "http://host/path?query" or "host/path?query" (the scheme is not part of Keel's keys);
 * `prefix` is the start of such a URL, e.g. "example.com/images/": a whole host (and port), then
 * the start of a path. A bare host ("example.com") purges every URL of that host.
 */
export function parsePurge(body: unknown): PurgeRequest | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'expected a JSON object {"url": "..."} or {"prefix": "..."}';
  }
  const b = body as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length !== 1 || (keys[0] !== 'url' && keys[0] !== 'prefix')) {
    return `expected exactly one of "url" or "prefix", got ${keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const v = b[keys[0]!];
  if (typeof v !== 'string' || v.trim() === '') return `"${keys[0]}" must be a non-empty string`;
  if (keys[0] === 'url') {
    if (baseKeyOfUrl(v) === undefined)
      return `"url" ${JSON.stringify(v)} is not a URL like "http://example.com/a" or "example.com/a"`;
    return { url: v };
  }
  if (baseKeyOfUrl(v) === undefined) {
    return `"prefix" ${JSON.stringify(v)} must start with a host, like "example.com/images/"`;
  }
  return { prefix: v };
}

/** Removes what the request names from every tier; 0 when no route caches. */
export async function purge(edge: EdgeCache | null, req: PurgeRequest): Promise<PurgeResult> {
  if (edge === null) return { purged: 0 };
  if ('url' in req) return { purged: await edge.purgeBase(baseKeyOfUrl(req.url)!) };
  // The host part is matched whole: "example.com" purges "example.com/…", never the keys of
  // "example.com.evil" or "example.com:8080" (a key's host ends at its first "/", keys.ts).
  return { purged: await edge.purgePrefix(baseKeyOfUrl(req.prefix)!) };
}
