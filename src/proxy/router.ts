import type { RouteMatch } from '../config/types.js';

/** What the router needs of a route; the gateway's compiled routes carry more. */
export interface Routable {
  readonly match: RouteMatch;
}

/**
 * Routes compiled once per config version (docs/architecture.md, "Decide at setup"; the rules:
 * docs/proxying.md, "Routing"). Host groups are tried from the most
 * specific to the least: exact hosts, then "*.suffix" wildcards (longest suffix first), then
 * routes without hosts; a group whose routes do not match the path or method falls through to the
 * next. Within a group the longest path_prefix wins (config order breaks ties), and a prefix only
 * matches at a segment boundary: "/api" matches "/api" and "/api/x", never "/apix".
 */
export class Router<R extends Routable> {
  readonly #exact = new Map<string, R[]>();
  readonly #wildcards: Array<{ suffix: string; routes: R[] }> = [];
  readonly #any: R[] = [];
  readonly #hostless: boolean;
  /** Some route hosts name a port ("10.0.0.1:8080"): try the host with its port first. */
  readonly #ports: boolean;

  constructor(routes: readonly R[]) {
    for (const r of routes) {
      if (r.match.hosts.length === 0) {
        this.#any.push(r);
        continue;
      }
      for (const h of r.match.hosts) {
        const host = h.toLowerCase();
        if (host.startsWith('*.')) {
          const suffix = host.slice(1); // ".example.com": "*.example.com" does not match the apex
          let group = this.#wildcards.find((w) => w.suffix === suffix);
          if (!group) {
            group = { suffix, routes: [] };
            this.#wildcards.push(group);
          }
          group.routes.push(r);
        } else {
          const list = this.#exact.get(host) ?? [];
          list.push(r);
          this.#exact.set(host, list);
        }
      }
    }
    for (const list of this.#exact.values()) sortByPrefix(list);
    for (const w of this.#wildcards) sortByPrefix(w.routes);
    this.#wildcards.sort((a, b) => b.suffix.length - a.suffix.length);
    sortByPrefix(this.#any);
    this.#hostless = this.#exact.size === 0 && this.#wildcards.length === 0;
    this.#ports = [...this.#exact.keys()].some((h) => normaliseHost(h) !== h);
  }

  /** `host` as the client sent it (port and case are normalised here); `path` without query. */
  match(host: string, path: string, method: string): R | undefined {
    if (this.#hostless) return firstMatch(this.#any, path, method);
    const h = normaliseHost(host);
    if (this.#ports) {
      const withPort = this.#exact.get(host.toLowerCase());
      const r = withPort === undefined ? undefined : firstMatch(withPort, path, method);
      if (r !== undefined) return r;
    }
    const exact = this.#exact.get(h);
    if (exact !== undefined) {
      const r = firstMatch(exact, path, method);
      if (r !== undefined) return r;
    }
    for (const w of this.#wildcards) {
      if (h.length > w.suffix.length && h.endsWith(w.suffix)) {
        const r = firstMatch(w.routes, path, method);
        if (r !== undefined) return r;
      }
    }
    return firstMatch(this.#any, path, method);
  }
}

function sortByPrefix<R extends Routable>(list: R[]): void {
  // Array.prototype.sort is stable: equal prefixes keep config order.
  list.sort((a, b) => b.match.path_prefix.length - a.match.path_prefix.length);
}

function firstMatch<R extends Routable>(list: readonly R[], path: string, method: string): R | undefined {
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    if (prefixMatches(r.match.path_prefix, path) && methodMatches(r.match.methods, method)) return r;
  }
  return undefined;
}

/** Segment-boundary prefix match. A prefix ending in "/" already marks the boundary. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  if (path.length === prefix.length || prefix.length === 0) return true;
  return prefix.charCodeAt(prefix.length - 1) === 47 /* / */ || path.charCodeAt(prefix.length) === 47;
}

function methodMatches(methods: readonly string[], method: string): boolean {
  if (methods.length === 0) return true;
  for (let i = 0; i < methods.length; i++) if (methods[i] === method) return true;
  return false;
}

/** "Example.COM:8080" → "example.com"; "[::1]:8080" → "[::1]" (RFC 9110 §7.2, §4.2.3: case-insensitive). */
export function normaliseHost(host: string): string {
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close > 0) end = close + 1;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) end = colon;
  }
  const h = end === host.length ? host : host.slice(0, end);
  return h.toLowerCase();
}
