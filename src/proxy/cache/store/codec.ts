import type { StoredEntry } from './types.js';

/**
 * One value per entry (a Redis value; the machine store's body record): a 4-byte big-endian
 * length, the metadata as JSON, then the body bytes as they are. One read brings back the whole
 * entry and the body is never base64-encoded.
 */
type Head = Omit<StoredEntry, 'body'>;

/** `room` bytes are left free before the value, for a store's own header (lmdb.ts: the stamp). */
export function encodeEntry(entry: StoredEntry, room = 0): Buffer {
  const head: Head = {
    status: entry.status,
    headers: entry.headers,
    storedAt: entry.storedAt,
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
  };
  if (entry.varyKey !== undefined) head.varyKey = entry.varyKey;
  if (entry.meta !== undefined) head.meta = entry.meta;
  const json = JSON.stringify(head);
  const n = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(room + 4 + n + entry.body.length);
  out.fill(0, 0, room);
  out.writeUInt32BE(n, room);
  out.write(json, room + 4, 'utf8');
  entry.body.copy(out, room + 4 + n);
  return out;
}

/**
 * Undefined for anything that is not a value this codec wrote (treated as a miss). The body is a
 * view of `buf`; `copyBody` copies it out instead (for a buffer its owner will reuse).
 */
export function decodeEntry(buf: Buffer, copyBody = false): StoredEntry | undefined {
  if (buf.length < 4) return undefined;
  const n = buf.readUInt32BE(0);
  if (4 + n > buf.length) return undefined;
  try {
    const head = JSON.parse(buf.toString('utf8', 4, 4 + n)) as Head;
    if (typeof head.status !== 'number' || !Array.isArray(head.headers)) return undefined;
    const view = buf.subarray(4 + n, buf.length);
    return { ...head, body: copyBody ? Buffer.from(view) : view };
  } catch {
    return undefined;
  }
}

/** Escapes Redis glob characters (SCAN MATCH) so a prefix matches only itself. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
