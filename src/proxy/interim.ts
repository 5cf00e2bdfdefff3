import { OPEN } from './contracts.js';
import type { Exchange } from './exchange.js';

/**
 * A 1xx interim answer from the upstream, relayed to the client before the final one (RFC 9110
 * §15.2: a proxy forwards the 1xx it did not ask for). node:http writes the two a client can use:
 * 102 Processing, and 103 Early Hints with all its fields (a 103 without Link says nothing node
 * can send, and is dropped). 100 Continue is node's own answer to the client's Expect, and 101 the
 * upgrade path's. Never part of a cached response: the cache sees only the final head.
 */
export function relayInterim(ex: Exchange, status: number, raw: readonly Buffer[]): void {
  const res = ex.res;
  if (ex.state !== OPEN || res.headersSent || res.destroyed) return;
  try {
    if (status === 102) {
      res.writeProcessing();
    } else if (status === 103) {
      const hints: Record<string, string | string[]> = {};
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i]!.toString('latin1').toLowerCase();
        const value = raw[i + 1]!.toString('latin1');
        const had = hints[name];
        hints[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
      }
      res.writeEarlyHints(hints);
    }
  } catch {
    // node refused a field (its Link check): the hint is dropped, the final answer still comes.
  }
}
