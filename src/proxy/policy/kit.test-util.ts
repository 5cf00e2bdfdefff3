/** A chain without sockets: fake hosts record undici dispatches; tests drive the handlers. */
import type { Dispatcher } from 'undici';
import { validateConfig } from '../../config/index.js';
import type { EndpointBreakerConfig } from '../../config/types.js';
import type { CircuitBreaker } from '../../core/breaker.js';
import { ManualClock } from '../../core/clock.js';
import { EventBus, type EventName, type KeelEvents } from '../../core/events.js';
import type { ConcurrencyLimiter } from '../../core/limiter.js';
import { scriptedRandom } from '../../core/random.js';
import { RetryBudget } from '../../core/retry-budget.js';
import type { PickContext } from '../balancer/types.js';
import { compileRoute } from '../chain.js';
import { proxyEvents } from '../context.js';
import type { TryOutcome } from '../contracts.js';
import { Exchange, type GatewayContext } from '../exchange.js';
import type { ForwardTry } from '../forward.js';
import type { KeelRequest, KeelResponse } from '../messages.js';
import type { CompiledRoute, Snapshot } from '../snapshot.js';
import { TrustedProxies } from '../trust.js';
import type { Endpoint } from '../upstream/endpoint.js';
import { EndpointTable } from '../upstream/endpoints.js';
import type { PoolView, UpstreamHost, UpstreamPool } from '../upstream/types.js';

export class FakeHost implements UpstreamHost {
  /** Its place in the FakePool that holds it (set by the pool). */
  index = 0;
  readonly name: string;
  readonly origin: string;
  readonly weight = 1;
  readonly inFlight = 0;
  readonly latencyEwma = 0;
  readonly tries: ForwardTry[] = [];
  breaker: CircuitBreaker | null = null;
  readonly dispatcher: Dispatcher;
  constructor(readonly id: string) {
    this.name = id;
    this.origin = `http://${id}`;
    this.dispatcher = {
      dispatch: (_opts: unknown, handler: ForwardTry) => {
        this.tries.push(handler);
        return true;
      },
    } as unknown as Dispatcher;
  }
  /** The latest try sent to this host. */
  get last(): ForwardTry {
    return this.tries[this.tries.length - 1]!;
  }
}

export class FakePool implements UpstreamPool {
  readonly name = 'web';
  readonly retryBudget: RetryBudget;
  limiter: ConcurrencyLimiter | null = null;
  readonly refuse = new Set<string>();
  readonly ended: Array<[string, TryOutcome]> = [];
  /** The clock of its endpoint tables (Kit sets its own). */
  clock = new ManualClock(1_000_000);
  readonly bus = new EventBus();
  constructor(
    readonly hosts: FakeHost[],
    budget = { ratio: 0.2, minConcurrent: 3 },
  ) {
    this.retryBudget = new RetryBudget(budget);
    hosts.forEach((h, i) => {
      h.index = i;
    });
  }
  endpoints(route: string, prefix: string, config: EndpointBreakerConfig): EndpointTable {
    return new EndpointTable(route, prefix, config, {
      pool: this.name,
      hosts: this.hosts.length,
      clock: this.clock,
      bus: this.bus,
    });
  }
  keepEndpoints(): void {}
  /** The first host not excluded; among all when every host is excluded (balancer contract). */
  pick(ctx: PickContext): UpstreamHost | undefined {
    return this.hosts.find((h) => !ctx.exclude?.has(h.id)) ?? this.hosts[0];
  }
  tryStart(host: UpstreamHost): boolean {
    return !this.refuse.has(host.id);
  }
  tryEnd(host: UpstreamHost, outcome: TryOutcome, now?: number, endpoint?: Endpoint | null): void {
    this.ended.push([host.id, outcome]);
    endpoint?.report(host.index, outcome, now ?? this.clock.now());
  }
  start(): void {}
  async close(): Promise<void> {}
  view(): PoolView {
    throw new Error('not used');
  }
}

export interface FakeRes {
  statusCode: number;
  headers: string[];
  body: string;
  headersSent: boolean;
  destroyed: boolean;
  ended: boolean;
}

export class Kit {
  readonly clock = new ManualClock(1_000_000);
  readonly bus = new EventBus();
  readonly gw: GatewayContext;
  readonly route: CompiledRoute;
  readonly snap: Snapshot;
  readonly seen = new Map<EventName, unknown[]>();

  constructor(
    readonly pool: FakePool,
    routeRaw: Record<string, unknown>,
  ) {
    const r = validateConfig({
      pools: { web: { hosts: ['http://127.0.0.1:1'] } },
      routes: [{ name: 'r', pool: 'web', ...routeRaw }],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    for (const n of ['retry', 'try.done', 'shed'] as EventName[]) {
      this.bus.on(n, (e) => this.seen.set(n, [...(this.seen.get(n) ?? []), e]));
    }
    this.gw = {
      clock: this.clock,
      random: scriptedRandom([0.5]),
      events: proxyEvents(this.bus),
      draining: false,
      finished: () => undefined,
      bodyTooLarge: () => undefined,
      noRetry: new Set(),
      shedShare: new Map(),
    };
    pool.clock = this.clock;
    this.route = compileRoute(r.config.routes[0]!, pool, r.config.pools.web!, null);
    this.snap = {
      version: 't',
      config: r.config,
      router: undefined as never,
      routes: [this.route],
      pools: new Map(),
      rules: { trusted: new TrustedProxies([]), via: '1.1 keel', requestIdHeader: 'x-request-id' },
      cache: null,
      refs: 0,
    };
  }

  events<K extends EventName>(name: K): Array<KeelEvents[K]> {
    return (this.seen.get(name) ?? []) as Array<KeelEvents[K]>;
  }

  /** Starts a request through the route's chain. */
  start(method = 'GET', body: Buffer | null = null): [Exchange, FakeRes] {
    const res: FakeRes & Record<string, unknown> = {
      statusCode: 0,
      headers: [],
      body: '',
      headersSent: false,
      destroyed: false,
      ended: false,
      writeHead(status: number, headers: string[]) {
        this.statusCode = status;
        this.headers = headers;
        this.headersSent = true;
      },
      write(c: Buffer | string) {
        this.body += c.toString();
        return true;
      },
      end(c?: Buffer | string) {
        if (c !== undefined) this.body += c.toString();
        this.ended = true;
      },
      once() {},
      destroy() {
        this.destroyed = true;
      },
    };
    const req = { method, rawHeaders: [], headers: {}, url: '/', destroyed: false, complete: true };
    const ex = new Exchange(
      req as unknown as KeelRequest,
      res as unknown as KeelResponse,
      this.snap,
      this.gw,
      this.clock.now(),
    );
    ex.route = this.route;
    ex.target = '/';
    ex.requestId = `req-${Math.random()}`;
    ex.body = body;
    if (body !== null) ex.contentLength = body.length;
    this.route.chain.dispatch(ex);
    return [ex, res];
  }
}

export const rawHeaders = (...kv: string[]): Buffer[] => kv.map((s) => Buffer.from(s));
export const noop = (): void => undefined;
export function headerOf(res: FakeRes, name: string): string | undefined {
  for (let i = 0; i < res.headers.length; i += 2) if (res.headers[i] === name) return res.headers[i + 1];
  return undefined;
}
