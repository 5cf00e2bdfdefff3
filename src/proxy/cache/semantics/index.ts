/**
 * RFC 9111 shared-cache semantics for Keel's edge cache: pure functions (no I/O, no timers; times
 * are ms since the epoch passed in). The cache link (../link.ts) applies them per request (docs/caching.md).
 */
export { appendCacheStatus, CACHE_NAME, type CacheStatus, cacheStatusValue } from './cache-status.js';
export { type CacheControl, emptyCacheControl, parseCacheControl } from './directives.js';
export {
  DEFAULT_TARGETED_FIELDS,
  requestDirectives,
  responseDirectives,
  stripCdnCacheControl,
  stripCdnCacheControlRaw,
} from './effective.js';
export {
  type CacheRequest,
  type CacheResponse,
  type Fields,
  fieldValue,
  parseDeltaSeconds,
  parseHttpDate,
} from './fields.js';
export {
  ageFieldValue,
  ageHeaderValue,
  currentAge,
  dateValue,
  type FreshnessOptions,
  freshnessLifetime,
  isFresh,
  type StoredResponse,
} from './freshness.js';
export { invalidationTargets } from './invalidate.js';
export {
  canServeStaleOnError,
  decideLookup,
  decideMiss,
  isErrorStatus,
  type LookupDecision,
  type LookupKind,
  staleForbidden,
  type UpstreamFailure,
} from './lookup.js';
export { contentRange, type RangeAnswer, rangeOf } from './range.js';
export { HEURISTICALLY_CACHEABLE, UNDERSTOOD } from './status-codes.js';
export { isStorable, type StoreRefusal, storeRefusal } from './storable.js';
export {
  clientConditionalMatches,
  notModifiedApplies,
  revalidationHeaders,
  updateStoredHeaders,
} from './validate.js';
export { cacheKey, type KeyRules, normaliseField, secondaryKey, varyFields, varyMatches } from './vary.js';
