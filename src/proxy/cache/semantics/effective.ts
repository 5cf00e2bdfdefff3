import { type CacheControl, parseCacheControl } from './directives.js';
import { type Fields, fieldValue } from './fields.js';
import { isValidSfDictionary } from './sf-dictionary.js';

/** Directives of a request (§5.2.1). */
export function requestDirectives(headers: Fields): CacheControl {
  return parseCacheControl(fieldValue(headers, 'cache-control'));
}

/**
 * Directives that govern Keel as a shared cache (RFC 9213 §2.1): a non-empty CDN-Cache-Control
 * that parses as a Structured Field Dictionary is used instead of Cache-Control, and Expires is
 * then ignored too (`targeted`); an empty or invalid one is ignored as if absent.
 */
export function responseDirectives(headers: Fields): CacheControl {
  const cdn = fieldValue(headers, 'cdn-cache-control');
  if (cdn !== undefined && isValidSfDictionary(cdn)) {
    const parsed = parseCacheControl(cdn, true);
    parsed.targeted = true;
    return parsed;
  }
  return parseCacheControl(fieldValue(headers, 'cache-control'));
}

/**
 * CDN-Cache-Control targets Keel (the CDN tier); the issue requires it not to reach downstream
 * clients, so it is removed from responses Keel forwards. Returns a new record.
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
