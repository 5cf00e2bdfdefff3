import { withCacheControl } from './browser.js';
import type { ServeRules } from './prepared.js';
import {
  appendCacheStatus,
  type CacheStatus,
  cacheStatusValue,
  type Fields,
  revalidationHeaders,
} from './semantics/index.js';

/** The header rewrites the cache link makes: on the request upstream, in the store, on the answer. */

/**
 * The upstream request headers for a revalidation (RFC 9111 §4.3.1): the stored response's
 * validators replace the client's own, as the answer must be about the stored response.
 * Prepended, so a traceparent slot stays last (trace/links.ts).
 */
export function withValidators(up: readonly string[], stored: Fields): string[] {
  const out: string[] = [];
  for (const [name, value] of revalidationHeaders(stored)) out.push(name, value);
  return withoutValidators(up, out);
}

/**
 * The upstream request headers for a miss that carries the client's own validators: they are
 * dropped, so the origin sends the whole response and it can be stored; the link then answers
 * the client's condition itself (RFC 9111 §4.3.2), as nginx's proxy_cache does. Without this,
 * every browser revalidation of a cold key would relay a 304 and fill nothing.
 */
export function withoutValidators(up: readonly string[], out: string[] = []): string[] {
  for (let i = 0; i + 1 < up.length; i += 2) {
    const n = up[i]!;
    if (n.length === 13 || n.length === 17) {
      const lk = n.toLowerCase();
      if (lk === 'if-none-match' || lk === 'if-modified-since') continue;
    }
    out.push(n, up[i + 1]!);
  }
  return out;
}

/**
 * Stored header pairs after a 304 (RFC 9111 §3.2, §4.3.4): `merged` is updateStoredHeaders'
 * record; each field keeps the place of its first stored line, new fields come last.
 */
export function pairsAfter304(old: ReadonlyArray<[string, string]>, merged: Fields): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const done = new Set<string>();
  const emit = (name: string, key: string): void => {
    if (done.has(key)) return;
    done.add(key);
    const v = merged[key];
    if (v === undefined) return;
    const lines = typeof v === 'string' ? [v] : typeof v === 'number' ? [String(v)] : v;
    for (const line of lines) out.push([name, line]);
  };
  for (const [name] of old) emit(name, name.toLowerCase());
  for (const key of Object.keys(merged)) emit(key, key);
  return out;
}

const CACHE_STATUS = Buffer.from('cache-status');

/** A route's browser policy as the bytes downstreamFields adds; null for none. */
export type BrowserBytes = { readonly value: Buffer; readonly override: boolean } | null;

export function browserBytes(b: ServeRules['browser']): BrowserBytes {
  return b === null ? null : { value: Buffer.from(b.cacheControl, 'latin1'), override: b.override };
}

/**
 * An upstream answer's fields for the client on a caching route: the targeted fields the route
 * strips removed (RFC 9213 fields are passed on otherwise, for the caches downstream they may
 * target), Keel's Cache-Status member appended after the upstream's (RFC 9211 §2), and the
 * route's browser policy applied.
 */
export function downstreamFields(
  raw: Buffer[],
  member: CacheStatus,
  browser: BrowserBytes,
  strip: readonly string[],
): Buffer[] {
  let out: Buffer[] = [];
  let status: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (strip.length > 0 && strip.includes(name.toString('latin1').toLowerCase())) continue;
    if (name.length === 12 && name.toString('latin1').toLowerCase() === 'cache-status') {
      const v = raw[i + 1]!.toString('latin1');
      status = status === undefined ? v : `${status}, ${v}`;
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  if (browser !== null) out = withCacheControl(out, browser.value, browser.override);
  out.push(CACHE_STATUS, Buffer.from(appendCacheStatus(status, cacheStatusValue(member)), 'latin1'));
  return out;
}

/** Sets the Content-Length of a flat header list (a part of the stored body goes out). */
export function withContentLength(h: string[], length: number): void {
  for (let i = 0; i < h.length; i += 2) {
    if (h[i]!.length === 14 && h[i]!.toLowerCase() === 'content-length') {
      h[i + 1] = String(length);
      return;
    }
  }
  h.push('content-length', String(length));
}
