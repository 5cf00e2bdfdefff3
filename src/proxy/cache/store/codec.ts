import type { StoredEntry } from './types.js';

/**
 * One Redis value per entry: a 4-byte big-endian length, the metadata as JSON, then the body
 * bytes as they are. One GET brings back the whole entry and the body is never base64-encoded.
 */
type Head = Omit<StoredEntry, 'body'>;

export function encodeEntry(entry: StoredEntry): Buffer {
  const head: Head = {
    status: entry.status,
    headers: entry.headers,
    storedAt: entry.storedAt,
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
  };
  if (entry.varyKey !== undefined) head.varyKey = entry.varyKey;
  if (entry.meta !== undefined) head.meta = entry.meta;
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(json.length, 0);
  return Buffer.concat([len, json, entry.body]);
}

/** Undefined for anything that is not a value this codec wrote (treated as a miss). */
export function decodeEntry(buf: Buffer): StoredEntry | undefined {
  if (buf.length < 4) return undefined;
  const n = buf.readUInt32BE(0);
  if (4 + n > buf.length) return undefined;
  try {
    const head = JSON.parse(buf.toString('utf8', 4, 4 + n)) as Head;
    if (typeof head.status !== 'number' || !Array.isArray(head.headers)) return undefined;
    return { ...head, body: buf.subarray(4 + n) };
  } catch {
    return undefined;
  }
}

/** Escapes Redis glob characters (SCAN MATCH) so a prefix matches only itself. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
