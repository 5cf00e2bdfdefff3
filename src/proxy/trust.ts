import { BlockList, isIP } from 'node:net';

/**
 * The peers whose forwarding headers (X-Forwarded-*, Forwarded) Keel believes:
 * `proxy.trusted_proxies`, CIDRs or single addresses, IPv4 or IPv6. Compiled once per config
 * version into a node:net BlockList (native matching, no per-request parsing).
 *
 * Node reports IPv4 peers on a dual-stack socket as IPv4-mapped IPv6 ("::ffff:10.0.0.1",
 * RFC 4291 §2.5.5.2); `peerAddress` unwraps them so a v4 CIDR matches either spelling.
 */
export class TrustedProxies {
  readonly #list: BlockList | null;

  constructor(entries: readonly string[]) {
    if (entries.length === 0) {
      this.#list = null;
      return;
    }
    const list = new BlockList();
    for (const entry of entries) addEntry(list, entry);
    this.#list = list;
  }

  /** True when `address` (as node reports it) is one of the trusted proxies. */
  trusts(address: string): boolean {
    const list = this.#list;
    if (list === null || address === '') return false;
    const a = peerAddress(address);
    return list.check(a, a.includes(':') ? 'ipv6' : 'ipv4');
  }
}

function addEntry(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  const addr = peerAddress(slash < 0 ? entry.trim() : entry.slice(0, slash).trim());
  const family = isIP(addr);
  if (family === 0) throw new RangeError(`trusted_proxies: "${entry}" is not an IP address or CIDR`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (slash < 0) {
    list.addAddress(addr, type);
    return;
  }
  const bits = Number(entry.slice(slash + 1));
  const max = family === 6 ? 128 : 32;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new RangeError(`trusted_proxies: "${entry}" has an invalid prefix length (0-${max})`);
  }
  list.addSubnet(addr, bits, type);
}

/** "::ffff:1.2.3.4" → "1.2.3.4"; any other address unchanged. */
export function peerAddress(address: string): string {
  if (address.length > 7 && address.charCodeAt(0) === 58 /* : */ && address.startsWith('::ffff:')) {
    const rest = address.slice(7);
    if (rest.includes('.')) return rest;
  }
  return address;
}
