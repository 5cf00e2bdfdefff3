import type { Duplex } from 'node:stream';
import type { Config, ListenerConfig, RouteMatch } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { mathRandom, type Random } from '../core/random.js';
import type { EdgeCache } from './cache/edge.js';
import { compileSnapshot } from './compile.js';
import { type ProxyEvents, proxyEvents } from './context.js';
import { ANSWERED, COMMITTED, OPEN } from './contracts.js';
import type { Exchange, GatewayContext } from './exchange.js';
import { type FrontInfo, PLAIN_FRONT } from './front/info.js';
import { redirectRequest, redirectUpgrade } from './front/redirect.js';
import { handleRequest } from './handle.js';
import { bindListeners, openListeners } from './listeners.js';
import { LiveList } from './live-list.js';
import type { KeelRequest, KeelResponse } from './messages.js';
import type { RouteBreaker } from './policy/breaker.js';
import { answerError } from './respond.js';
import type { Listener, ListenerDeps, ListenerHandlers } from './server.js';
import type { Snapshot } from './snapshot.js';
import type { SnapshotInfo } from './snapshot-info.js';
import type { ListenerTlsView } from './tls/view.js';
import { handleUpgrade } from './upgrade.js';
import type { PoolView, UpstreamPool } from './upstream/types.js';

export interface GatewayDeps {
  bus: EventBus;
  clock?: Clock;
  random?: Random;
  /**
   * The directory of this machine's shared cache stores (the cluster primary's, docs/caching.md
   * "The machine store"); null or absent: the edge cache makes one of its own.
   */
  cacheMachineDir?: string | null;
}

export interface Gateway {
  listen(): Promise<Array<{ name: string; host: string; port: number }>>;
  /** The addresses listening now (they follow reloads). */
  addresses(): Array<{ name: string; host: string; port: number }>;
  reload(next: Config, version: string): Promise<void>;
  drain(timeoutMs?: number): Promise<{ drained: boolean; remaining: number }>;
  readonly draining: boolean;
  readonly version: string;
  inFlight(): number;
  pools(): PoolView[];
  routes(): Array<{ name: string; pool: string; match: RouteMatch }>;
  /** The edge cache of the current config; null when no route caches (docs/caching.md). */
  cache(): EdgeCache | null;
  /** The certificates of each TLS listener (docs/tls.md, "Expiry"). */
  tls(): ListenerTlsView[];
  /**
   * The budget policy per route name (docs/slo-runtime.md), replacing the previous one; routes
   * not listed run normally. Kept across reloads (it follows route names, not snapshots).
   */
  setRoutePolicies(policies: ReadonlyMap<string, { retries: boolean; shedShare: number }>): void;
  close(): Promise<void>;
}

export function createGateway(config: Config, version: string, deps: GatewayDeps): Gateway {
  return new KeelGateway(config, version, deps);
}

/** The data plane: listeners, the current snapshot, in-flight bookkeeping, reload and drain. */
class KeelGateway implements Gateway, GatewayContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly events: ProxyEvents;
  readonly tunnels = new Set<Duplex>();
  draining = false;
  noRetry: ReadonlySet<string> = new Set();
  shedShare: ReadonlyMap<string, number> = new Map();
  readonly #bus: EventBus;
  readonly #cacheMachineDir: string | null;
  readonly #breakers = new Map<string, RouteBreaker>();
  readonly #live = new LiveList<Exchange>();
  /** Older snapshots that still have requests in flight. */
  readonly #retired = new Set<SnapshotInfo>();
  #snap: Snapshot;
  #listeners: Listener[] = [];
  /** Listeners a reload dropped, finishing their requests (Listener.retire). */
  readonly #retiring = new Set<Listener>();
  #sweep: NodeJS.Timeout | null = null;
  #lastSweep = 0;
  #drained: (() => void) | null = null;
  #closed = false;
  /** What a listener needs of the gateway: its clock and bus (certificate expiry, TLS events). */
  readonly #deps: ListenerDeps;

  constructor(config: Config, version: string, deps: GatewayDeps) {
    this.#bus = deps.bus;
    this.#cacheMachineDir = deps.cacheMachineDir ?? null;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? mathRandom;
    this.events = proxyEvents(deps.bus);
    this.#deps = { clock: this.clock, bus: deps.bus };
    this.#snap = this.#compile(config, version, null);
  }

  get version(): string {
    return this.#snap.version;
  }

  async listen(): Promise<Array<{ name: string; host: string; port: number }>> {
    const config = this.#snap.config;
    const all = config.listeners.map((cfg, i) => ({ cfg, i }));
    this.#listeners = openListeners(config, all, this.#handlersFor, this.#deps);
    for (const e of this.#snap.pools.values()) e.pool.start();
    this.#startSweep();
    try {
      return await Promise.all(this.#listeners.map((l) => l.listen()));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Every front end's requests and upgrades (front/info.ts says which it came through). */
  readonly #handlers: ListenerHandlers = {
    request: (req, res, front) => handleRequest(this.#snap, this, req, res, this.#live, front),
    upgrade: (req, socket, head, front) => handleUpgrade(this.#snap, this, req, socket, head, front),
  };

  /**
   * A listener's handlers, made once for its config: the gateway's, or a redirect to https://
   * (front/redirect.ts), so no request asks which (docs/architecture.md, "Decide at setup").
   */
  readonly #handlersFor = (cfg: ListenerConfig): ListenerHandlers => {
    const redirect = cfg.redirect_https;
    if (redirect === null) return this.#handlers;
    return {
      request: (req, res) => redirectRequest(this.#snap, this, req, res, this.#live, redirect.port),
      upgrade: (req, socket) => redirectUpgrade(req, socket, redirect.port),
    };
  };

  /** An upgrade its route does not tunnel, answered as a plain request (upgrade.ts). */
  handlePlain(snap: Snapshot, req: KeelRequest, res: KeelResponse, front: FrontInfo = PLAIN_FRONT): void {
    handleRequest(snap, this, req, res, this.#live, front);
  }

  addresses(): Array<{ name: string; host: string; port: number }> {
    return this.#listeners.map((l) => l.address());
  }

  /**
   * New listeners are bound before anything else changes: a bind failure (port in use) rejects
   * the reload, and the gateway keeps serving the old config on the old addresses.
   */
  async reload(next: Config, version: string): Promise<void> {
    const listening = this.#listeners.length > 0 && !this.#closed;
    const plan = listening ? await bindListeners(this.#listeners, next, this.#handlersFor, this.#deps) : null;
    const prev = this.#snap;
    const snap = this.#compile(next, version, prev);
    this.#snap = snap;
    if (plan !== null) {
      this.#listeners = plan.keep;
      for (const l of plan.drop) {
        this.#retiring.add(l);
        void l.retire(next.shutdown.drain_timeout).then(() => this.#retiring.delete(l));
      }
      for (const e of snap.pools.values()) e.pool.start();
      for (const l of this.#listeners) l.setClientTimeouts(next);
      this.#startSweep();
    }
    if (prev.refs > 0) this.#retired.add(prev);
    else this.#closeUnused(prev);
  }

  #compile(config: Config, version: string, prev: Snapshot | null): Snapshot {
    const deps = {
      bus: this.#bus,
      clock: this.clock,
      random: this.random,
      gw: this,
      cacheMachineDir: this.#cacheMachineDir,
    };
    return compileSnapshot(config, version, prev, deps, this.#breakers);
  }

  /** Bookkeeping when an exchange ends (its response closed). */
  finished(ex: Exchange): void {
    this.#live.delete(ex);
    if (ex.slot !== null) {
      const slot = ex.slot;
      ex.slot = null;
      slot.release();
    }
    if (ex.route !== null) ex.route.pool.retryBudget.requestFinished();
    // A coalescing leader whose client left before any answer: let the waiters go (cache/coalesce.ts).
    ex.cacheJob?.releaseLead();
    const snap = ex.snap;
    snap.refs--;
    if (snap.refs === 0 && this.#retired.delete(snap)) this.#closeUnused(snap);
    const ch = this.events.requestDone;
    if (ch.active) {
      const now = this.clock.now();
      ch.publish({
        requestId: ex.requestId,
        route: ex.route?.name ?? '',
        pool: ex.route?.pool.name ?? '',
        method: ex.method,
        path: pathOf(ex.req.url),
        status: ex.status,
        durationMs: now - ex.start,
        tries: ex.tries,
        host: ex.answerHost,
        errorCode: ex.errorCode,
        cache: ex.cacheOutcome,
        shed: ex.shed,
        traceId: ex.traceId,
        spanId: ex.spanId,
        parentSpanId: ex.parentSpanId,
        traceFlags: ex.traceFlags,
        startedAt: ex.start,
        at: now,
      });
    }
    if (this.draining) {
      for (const l of this.#listeners) l.closeIdle();
      if (this.#live.size === 0) this.#drained?.();
    }
    if (this.#retiring.size > 0) for (const l of this.#retiring) l.closeIdle();
  }

  /**
   * The tries are left alone here: aborting one would make undici destroy the request stream,
   * and with it the socket, before the 413 is flushed. The answer closes the connection, and
   * the response's 'close' then stops everything (Exchange.clientClosed).
   */
  bodyTooLarge(ex: Exchange): void {
    if (ex.state === OPEN) answerError(ex, 'KEEL_ERR_BODY_TOO_LARGE', true);
    else if (ex.state === COMMITTED) ex.res.destroy();
  }

  /** Closes the pools of a dead snapshot that no live snapshot uses any more. */
  #closeUnused(old: SnapshotInfo): void {
    const used = new Set<UpstreamPool>();
    for (const e of this.#snap.pools.values()) used.add(e.pool);
    for (const s of this.#retired) for (const e of s.pools.values()) used.add(e.pool);
    for (const e of old.pools.values()) if (!used.has(e.pool)) void e.pool.close().catch(() => undefined);
    const cache = old.cache;
    if (cache !== null && cache !== this.#snap.cache && ![...this.#retired].some((s) => s.cache === cache)) {
      void cache.close().catch(() => undefined);
    }
  }

  /** The edge cache of the current config, or null when no route caches (admin purge, metrics). */
  cache(): EdgeCache | null {
    return this.#snap.cache;
  }

  tls(): ListenerTlsView[] {
    const out: ListenerTlsView[] = [];
    for (const l of this.#listeners) {
      const v = l.tlsView();
      if (v !== null) out.push(v);
    }
    return out;
  }

  /**
   * The coarse sweep: no timer per request (docs/architecture.md, "No allocation on the hot
   * path"). Its period is a tenth of the shortest route timeout, first-byte or idle timeout (10 ms
   * to 1 s); each tick ends the exchanges whose deadline passed and the tries whose first byte or
   * next body bytes are overdue (forward.ts).
   */
  #startSweep(): void {
    if (this.#sweep !== null) clearInterval(this.#sweep);
    const c = this.#snap.config;
    let min = Number.POSITIVE_INFINITY;
    for (const r of c.routes) if (r.timeout > 0 && r.timeout < min) min = r.timeout;
    for (const p of Object.values(c.pools)) min = Math.min(min, p.timeouts.first_byte, p.timeouts.idle);
    this.#lastSweep = performance.now();
    const period = Math.max(10, Math.min(1000, Math.floor(min / 10)));
    this.#sweep = setInterval(() => this.#expire(), period);
    this.#sweep.unref();
  }

  #expire(): void {
    const tick = performance.now();
    const elapsed = tick - this.#lastSweep;
    this.#lastSweep = tick;
    if (this.#live.size === 0) return;
    const now = this.clock.now();
    // Keel's own answers with no route deadline (a refusal before routing; `timeout: 0`) get the
    // client's idle timeout to be written out; a client that does not read them is cut then.
    const answerBy = now - this.#snap.config.client.idle_timeout;
    for (const ex of this.#live.toArray()) {
      if (now < ex.deadline) {
        if (ex.state === ANSWERED && ex.start <= answerBy) {
          ex.res.destroy();
          continue;
        }
        // Backwards: a try that times out leaves ex.live at once.
        const tries = ex.live;
        for (let i = tries.length - 1; i >= 0; i--) tries[i]?.sweep(elapsed);
        continue;
      }
      if (ex.state === OPEN) {
        answerError(ex, 'KEEL_ERR_DEADLINE_EXCEEDED');
        ex.stop();
      } else if (ex.state === COMMITTED) {
        ex.errorCode = 'KEEL_ERR_DEADLINE_EXCEEDED';
        ex.stop();
        ex.res.destroy();
      } else if (ex.state === ANSWERED) {
        // Keel's own answer, still not written out a sweep later: the client does not read.
        // The exchange ends by its deadline all the same.
        ex.res.destroy();
      }
    }
  }

  async drain(timeoutMs?: number): Promise<{ drained: boolean; remaining: number }> {
    const limit = timeoutMs ?? this.#snap.config.shutdown.drain_timeout;
    this.draining = true;
    const drainCh = this.#bus.channel('drain');
    if (drainCh.active) drainCh.publish({ phase: 'start', inFlight: this.#live.size, at: this.clock.now() });
    for (const l of this.#listeners) l.stopAccepting();
    if (this.#live.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, limit);
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#drained = null;
    }
    const remaining = this.#live.size;
    await this.close();
    if (drainCh.active) drainCh.publish({ phase: 'done', inFlight: remaining, at: this.clock.now() });
    return { drained: remaining === 0, remaining };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweep !== null) clearInterval(this.#sweep);
    this.#sweep = null;
    for (const s of this.tunnels) s.destroy();
    this.tunnels.clear();
    await Promise.all([...this.#listeners, ...this.#retiring].map((l) => l.close()));
    for (const ex of this.#live.toArray()) ex.clientClosed();
    const pools = new Set<UpstreamPool>();
    for (const e of this.#snap.pools.values()) pools.add(e.pool);
    for (const s of this.#retired) for (const e of s.pools.values()) pools.add(e.pool);
    await Promise.all([...pools].map((p) => p.close().catch(() => undefined)));
    const caches = new Set<EdgeCache>();
    for (const s of [this.#snap, ...this.#retired]) if (s.cache !== null) caches.add(s.cache);
    await Promise.all([...caches].map((c) => c.close().catch(() => undefined)));
  }

  inFlight(): number {
    return this.#live.size;
  }

  pools(): PoolView[] {
    return [...this.#snap.pools.values()].map((e) => e.pool.view());
  }

  routes(): Array<{ name: string; pool: string; match: RouteMatch }> {
    return this.#snap.routes.map((r) => ({ name: r.name, pool: r.pool.name, match: r.match }));
  }

  setRoutePolicies(policies: ReadonlyMap<string, { retries: boolean; shedShare: number }>): void {
    // A new Set each time (rare: on a policy change), so a reader never sees it half-built.
    this.noRetry = new Set([...policies].filter(([, p]) => !p.retries).map(([name]) => name));
    this.shedShare = new Map(
      [...policies].filter(([, p]) => p.shedShare > 0).map(([n, p]) => [n, p.shedShare]),
    );
  }
}

/** The path without the query: built only when someone listens to request.done. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
