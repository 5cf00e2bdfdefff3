import { OPEN } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { REPLAYABLE_BODY_BYTES } from '../limits.js';

/**
 * Retries need the request body twice. A small body with a known length (<= 64 KiB) is read
 * into one bounded buffer first; any other body streams straight to the upstream and makes the
 * request non-replayable (no retry, no hedge) — never an unbounded buffer (docs/proxying.md,
 * "Retries").
 * Returns false when nothing needs buffering; otherwise `then(ex)` runs once the body is in.
 */
export function bufferSmallBody(ex: Exchange, then: (ex: Exchange) => void): boolean {
  if (ex.body === null || ex.body instanceof Buffer) return false;
  if (ex.chunked || ex.contentLength < 0 || ex.contentLength > REPLAYABLE_BODY_BYTES) {
    ex.replayable = false;
    return false;
  }
  const req = ex.req;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.once('end', () => {
    if (ex.state !== OPEN) return;
    ex.body = Buffer.concat(chunks);
    then(ex);
  });
  return true;
}
