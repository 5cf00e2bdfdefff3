/**
 * `keel/cache`: the application caching layer — the edge cache's
 * stores — memory (LRU by bytes), Redis (shared across instances, never failing a caller) and
 * memory-then-Redis — and its RFC 9111 rules, for use inside any Node service (docs/library.md).
 * Unlike the package root, RedisStore does I/O: it is a separate entry point on purpose.
 */
export * from './proxy/cache/semantics/index.js';
export * from './proxy/cache/store/index.js';
