import { type CacheControl, parseCacheControl } from './directives.js';
import { type Fields, fieldValue } from './fields.js';
import { isValidSfDictionary } from './sf-dictionary.js';

/** Directives of a request (§5.2.1). */
export function requestDirectives(headers: Fields): CacheControl {
  return parseCacheControl(fieldValue(headers, 'cache-control'));
}

/**
 * The targeted fields (RFC 9213 §2) a cache reads when none are configured: CDN-Cache-Control,
 * the one RFC 9213 defines for CDN-class caches. Keel's routes read `Keel-Cache-Control` first
 * (routes[].cache.targeted_fields, docs/configuration.md).
 */
export const DEFAULT_TARGETED_FIELDS: readonly string[] = ['cdn-cache-control'];

/**
 * Directives that govern Keel as a shared cache (RFC 9213 §2.1): the first of `targeted` (lower-
 * case field names, in precedence order) that is present, non-empty and parses as a Structured
 * Field Dictionary is used instead of Cache-Control, and Expires is then ignored too
 * (`targeted`); an empty or invalid one is ignored as if absent, and the next one is tried.
 */
export function responseDirectives(
  headers: Fields,
  targeted: readonly string[] = DEFAULT_TARGETED_FIELDS,
): CacheControl {
  for (let i = 0; i < targeted.length; i++) {
    const v = fieldValue(headers, targeted[i]!);
    if (v !== undefined && isValidSfDictionary(v)) {
      const parsed = parseCacheControl(v, true);
      parsed.targeted = true;
      return parsed;
    }
  }
  return parseCacheControl(fieldValue(headers, 'cache-control'));
}

/**
 * A record without CDN-Cache-Control, for a cache that chooses not to pass it downstream (Keel
 * passes targeted fields on unless a route lists them in `strip_targeted`). Returns a new record.
 */
export function stripCdnCacheControl(headers: Fields): Record<string, Fields[string]> {
  const out: Record<string, Fields[string]> = {};
  for (const k of Object.keys(headers)) if (k !== 'cdn-cache-control') out[k] = headers[k];
  return out;
}

/** The same for a flat [name, value, …] array (node's rawHeaders form); names compared case-insensitively. */
export function stripCdnCacheControlRaw(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'cdn-cache-control') out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
