import type { BrowserCacheConfig } from '../../config/types.js';
import { Link, type TryHandle } from '../contracts.js';
import type { Exchange } from '../exchange.js';

const CACHE_CONTROL = Buffer.from('cache-control');

/**
 * The browser layer of a route without an edge cache (docs/caching.md, "Browser layer"): the
 * Cache-Control clients
 * receive, set by the route where the upstream sent none (or always, with `override`). A
 * caching route applies the same policy in its cache link (prepared.ts, rewrite.ts).
 */
export class BrowserCacheLink extends Link<Exchange> {
  readonly #value: Buffer;
  readonly #override: boolean;

  constructor(policy: BrowserCacheConfig) {
    super();
    this.#value = Buffer.from(policy.cache_control, 'latin1');
    this.#override = policy.override;
  }

  dispatch(ex: Exchange): void {
    this.next.dispatch(ex);
  }

  override head(ex: Exchange, t: TryHandle, status: number, raw: Buffer[]): boolean {
    return this.up.head(ex, t, status, withCacheControl(raw, this.#value, this.#override));
  }
}

/** raw with the policy's Cache-Control: added when missing, or replacing the upstream's. */
export function withCacheControl(raw: Buffer[], value: Buffer, override: boolean): Buffer[] {
  let at = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 13 && n.toString('latin1').toLowerCase() === 'cache-control') {
      if (!override) return raw;
      at = i;
      break;
    }
  }
  if (at < 0) return [...raw, CACHE_CONTROL, value];
  const out: Buffer[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 13 && n.toString('latin1').toLowerCase() === 'cache-control') continue;
    out.push(n, raw[i + 1]!);
  }
  out.push(CACHE_CONTROL, value);
  return out;
}
