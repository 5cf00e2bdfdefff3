import { Client } from 'undici';
import type { ActiveHealthConfig, PoolConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import type { UpstreamTls } from '../tls/upstream.js';
import type { Host } from './host.js';
import type { Cancel, Scheduler } from './timers.js';

interface Probe {
  host: Host;
  /** A small client of its own: a saturated traffic pool must not make checks time out. */
  client: Client;
  okStreak: number;
  failStreak: number;
  cancel: Cancel | null;
}

interface HealthDeps {
  pool: string;
  bus: EventBus;
  clock: Clock;
  scheduler: Scheduler;
  /** A host's health verdict flipped. */
  onChange: (host: Host, healthy: boolean) => void;
  /** TLS toward https:// hosts: checked as traffic connects (tls/upstream.ts). */
  tls?: UpstreamTls | null;
}

/**
 * Active health checks (docs/health.md, "Active health checks"): GET `path` on every host each
 * `interval`, one check in flight per host, `timeout` for the whole exchange; `unhealthy_threshold`
 * failures in a row mark a host unhealthy, `healthy_threshold` successes in a row bring it back.
 * Hosts start healthy, so a restart does not black-hole traffic until the first round completes.
 */
export class HealthChecker {
  readonly #cfg: ActiveHealthConfig;
  readonly #d: HealthDeps;
  readonly #expected: ReadonlySet<number>;
  readonly #probes: Probe[];
  #closed = false;

  constructor(cfg: ActiveHealthConfig, pool: PoolConfig, hosts: readonly Host[], deps: HealthDeps) {
    this.#cfg = cfg;
    this.#d = deps;
    this.#expected = new Set(cfg.expected_statuses);
    this.#probes = hosts.map((host) => ({
      host,
      client: new Client(host.origin, {
        connectTimeout: cfg.timeout,
        headersTimeout: cfg.timeout,
        bodyTimeout: cfg.timeout,
        keepAliveTimeout: pool.connections.keep_alive_timeout,
        pipelining: 1,
        ...(deps.tls ? { connect: deps.tls } : {}),
      }),
      okStreak: 0,
      failStreak: 0,
      cancel: null,
    }));
  }

  start(): void {
    for (const p of this.#probes) {
      if (p.cancel === null) p.cancel = this.#d.scheduler.after(0, () => void this.#run(p));
    }
  }

  async #run(p: Probe): Promise<void> {
    p.cancel = null;
    if (this.#closed) return;
    const started = this.#d.clock.now();
    let status = 0;
    let error = '';
    try {
      const res = await p.client.request({
        method: 'GET',
        path: this.#cfg.path,
        headers: { 'user-agent': 'keel-health-check' },
        signal: AbortSignal.timeout(this.#cfg.timeout),
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (e) {
      error = errorName(e);
    }
    if (this.#closed) return;
    const ok = error === '' && this.#expected.has(status);
    const ch = this.#d.bus.channel('health.check');
    if (ch.active) {
      ch.publish({
        pool: this.#d.pool,
        host: p.host.name,
        ok,
        status,
        error,
        durationMs: this.#d.clock.now() - started,
      });
    }
    this.#verdict(p, ok);
    p.cancel = this.#d.scheduler.after(this.#cfg.interval, () => void this.#run(p));
  }

  #verdict(p: Probe, ok: boolean): void {
    const host = p.host;
    if (ok) {
      p.failStreak = 0;
      p.okStreak++;
      if (!host.healthy && p.okStreak >= this.#cfg.healthy_threshold) this.#d.onChange(host, true);
    } else {
      p.okStreak = 0;
      p.failStreak++;
      if (host.healthy && p.failStreak >= this.#cfg.unhealthy_threshold) this.#d.onChange(host, false);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#probes) {
      p.cancel?.();
      p.cancel = null;
    }
    // destroy, not close: an in-flight check must not hold shutdown for its timeout.
    await Promise.all(this.#probes.map((p) => p.client.destroy().catch(() => {})));
  }
}

function errorName(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
    const code = (e as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : e.name;
  }
  return 'error';
}
