import type { HstsConfig } from '../../config/types.js';
import { Link } from '../contracts.js';
import type { Exchange } from '../exchange.js';

/**
 * A route's Strict-Transport-Security (docs/tls.md, "HSTS"): set on the response before
 * anything answers, so every answer of the route carries it — the upstream's, a cache hit, and
 * Keel's own errors — and only over TLS: RFC 6797 §7.2 forbids it on a plain-HTTP answer (a
 * client ignores it there, §8.1). An upstream's own Strict-Transport-Security replaces it (both
 * node:http and node:http2 let a field given to writeHead override one set before).
 */
export class HstsLink extends Link<Exchange> {
  readonly #value: string;

  constructor(cfg: HstsConfig) {
    super();
    this.#value = hstsValue(cfg);
  }

  dispatch(ex: Exchange): void {
    if (ex.front.secure) ex.res.setHeader('strict-transport-security', this.#value);
    this.next.dispatch(ex);
  }
}

/** RFC 6797 §6.1: "max-age=31536000; includeSubDomains; preload". */
export function hstsValue(cfg: HstsConfig): string {
  let v = `max-age=${cfg.max_age}`;
  if (cfg.include_subdomains) v += '; includeSubDomains';
  if (cfg.preload) v += '; preload';
  return v;
}
