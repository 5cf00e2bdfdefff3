/**
 * Hop-by-hop fields: they describe one connection, so a proxy consumes them and never forwards
 * them (RFC 9110 §7.6.1). The list is the RFC's (Connection, Proxy-Connection, Keep-Alive, TE,
 * Transfer-Encoding, Upgrade), plus Trailer (it announces trailers of this hop's chunked framing),
 * Proxy-Authenticate / Proxy-Authorization (RFC 9110 §11.7.1-2: they concern the next proxy on
 * the chain, which a reverse proxy's client never configured), and every field named in a
 * Connection header, which the callers collect with `connectionTokens`.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/**
 * Adds the field names listed in a Connection header value to `into` (created on first need).
 * "close" and "keep-alive" are connection options, not field names, and are skipped; the set
 * stays null for the common `Connection: keep-alive`, so nothing is allocated per request.
 */
export function connectionTokens(value: string, into: Set<string> | null): Set<string> | null {
  // Fast path for what nearly every peer sends: no slicing, trimming or lower-casing.
  if (value === 'keep-alive' || value === 'close') return into;
  let set = into;
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(',', start);
    if (end < 0) end = value.length;
    const token = value.slice(start, end).trim().toLowerCase();
    if (token !== '' && token !== 'close' && token !== 'keep-alive') {
      if (set === null) set = new Set();
      set.add(token);
    }
    start = end + 1;
  }
  return set;
}

/** Removes the pairs whose (lower-cased) name is in `names` from a flat [k, v, k, v] array. */
export function withoutNamed(flat: string[], names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (!names.has(flat[i]!.toLowerCase())) out.push(flat[i]!, flat[i + 1]!);
  }
  return out;
}
