import type { EndpointBreakerConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import { Endpoint, type EndpointListener, type EndpointView } from './endpoint.js';
import { endpointHash, endpointLabel, segmentsFrom } from './endpoint-key.js';

/** The label of the endpoint every request shares once a route's table is full. */
export const OVERFLOW_LABEL = '(other)';

/**
 * The endpoints of one route on one pool (docs/health.md, "Endpoints"), at most `max_endpoints`
 * of them: a route whose paths never repeat (ids the key does not recognise, scanners) cannot
 * grow it without bound. A new key takes a free slot, or the slot of an endpoint that is CLOSED
 * and saw no try for two windows; otherwise it shares the one overflow endpoint.
 *
 * Looking an endpoint up hashes the path in place: no string per request (endpoint-key.ts).
 */
export class EndpointTable {
  readonly route: string;
  readonly config: EndpointBreakerConfig;
  readonly prefix: string;
  readonly overflow: Endpoint;
  readonly #from: number;
  readonly #hosts: number;
  readonly #clock: Clock;
  readonly #map = new Map<number, Endpoint>();
  readonly #onTransition: EndpointListener;
  /** No reclaim scan before this time: a full table of busy endpoints is scanned at most once a second. */
  #nextReclaim = 0;

  constructor(
    route: string,
    prefix: string,
    config: EndpointBreakerConfig,
    deps: { pool: string; hosts: number; clock: Clock; bus: EventBus },
  ) {
    this.route = route;
    this.prefix = prefix;
    this.config = config;
    this.#from = segmentsFrom(prefix);
    this.#hosts = deps.hosts;
    this.#clock = deps.clock;
    const ch = deps.bus.channel('endpoint.transition');
    this.#onTransition = (ep, from, to, reason, failingHosts, at) => {
      if (ch.active) {
        ch.publish({ pool: deps.pool, route, endpoint: ep.label, from, to, reason, failingHosts, at });
      }
    };
    this.overflow = this.#make(OVERFLOW_LABEL, -1);
  }

  /** The endpoint of a request (its method and target, the query ignored). */
  lookup(method: string, target: string): Endpoint {
    const hash = endpointHash(method, target, this.#from, this.config.segments);
    const hit = this.#map.get(hash);
    if (hit !== undefined) return hit;
    return this.#add(hash, method, target);
  }

  /** Endpoints worth showing: not closed, or failing in the window. */
  views(): EndpointView[] {
    const now = this.#clock.now();
    const out: EndpointView[] = [];
    for (const ep of this.#map.values()) if (ep.noteworthy()) out.push(ep.view(this.route, now));
    if (this.overflow.noteworthy()) out.push(this.overflow.view(this.route, now));
    return out;
  }

  get size(): number {
    return this.#map.size;
  }

  #add(hash: number, method: string, target: string): Endpoint {
    const map = this.#map;
    if (map.size >= this.config.max_endpoints && !this.#reclaim()) return this.overflow;
    const ep = this.#make(endpointLabel(method, target, this.#from, this.config.segments), hash);
    map.set(hash, ep);
    return ep;
  }

  /** Frees the slot of one idle, CLOSED endpoint; false when none (or scanned too recently). */
  #reclaim(): boolean {
    const now = this.#clock.now();
    if (now < this.#nextReclaim) return false;
    const idleSince = now - 2 * this.config.window;
    for (const [hash, ep] of this.#map) {
      if (ep.closed && ep.lastSeen < idleSince) {
        this.#map.delete(hash);
        return true;
      }
    }
    this.#nextReclaim = now + 1000;
    return false;
  }

  #make(label: string, hash: number): Endpoint {
    return new Endpoint(label, hash, this.#hosts, this.config, this.#clock, this.#onTransition);
  }
}
