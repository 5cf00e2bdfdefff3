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
 * A cheap "could this field name be one of these?" test, by length and first letter (ASCII case
 * ignored), for the header scans: most fields of a message are none of the names a scan handles,
 * and skipping their lower-casing saves a string per field (HTTP/1.1 clients send "User-Agent").
 * A false positive only costs the lower-casing it would have paid anyway; there is no false
 * negative for the listed names.
 */
export class NameFilter {
  /** By name length: bit n set when a listed name of that length starts with letter n (a = 0). */
  readonly #byLength: Int32Array;

  constructor(names: Iterable<string>) {
    const list = [...names];
    this.#byLength = new Int32Array(Math.max(0, ...list.map((n) => n.length)) + 1);
    for (const n of list) {
      const letter = letterIndex(n);
      if (letter < 0) throw new RangeError(`NameFilter: "${n}" does not start with a letter`);
      this.#byLength[n.length]! |= 1 << letter;
    }
  }

  mayMatch(name: string): boolean {
    const mask = this.#byLength;
    if (name.length >= mask.length) return false;
    const letter = letterIndex(name);
    return letter >= 0 && ((mask[name.length]! >>> letter) & 1) === 1;
  }
}

/** 0-25 for a name starting with an ASCII letter (either case), else -1. */
function letterIndex(name: string): number {
  const i = (name.charCodeAt(0) | 0x20) - 0x61;
  return i >= 0 && i < 26 ? i : -1;
}

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
