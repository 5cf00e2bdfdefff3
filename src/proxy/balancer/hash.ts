/**
 * A fast 32-bit non-cryptographic string hash: FNV-1a over UTF-16 code units, then murmur3's
 * fmix32 finalizer. FNV-1a alone mixes the last characters poorly (keys "user-1", "user-2" land
 * close together on a ring); fmix32 gives full avalanche, so neighbouring keys scatter.
 * Not for anything an attacker must not predict: a client that picks its own key picks its host.
 */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3 fmix32: every input bit affects every output bit with probability about 1/2. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
