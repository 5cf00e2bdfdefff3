/** The demo fleet: app-1..3, each a DemoUpstream, addressed by name. */
import type { Random } from '../core/random.js';
import { parseFault } from './fault.js';
import { DemoUpstream, type DemoUpstreamView } from './upstream.js';

export const DEMO_NAMES = ['app-1', 'app-2', 'app-3'] as const;
export const DEMO_PORTS = [8081, 8082, 8083] as const;

export type FaultResult =
  | { ok: true; upstream: DemoUpstreamView }
  | { ok: false; status: 400 | 404; message: string };

export class DemoFleet {
  readonly #upstreams: DemoUpstream[];

  /** ports: one per upstream; pass [0, 0, 0] in tests. */
  constructor(opts: { host?: string; ports?: readonly number[] } = {}, deps: { random?: Random } = {}) {
    const ports = opts.ports ?? DEMO_PORTS;
    this.#upstreams = DEMO_NAMES.map(
      (name, i) => new DemoUpstream({ name, host: opts.host ?? '127.0.0.1', port: ports[i] ?? 0 }, deps),
    );
  }

  async start(): Promise<void> {
    try {
      await Promise.all(this.#upstreams.map((u) => u.start()));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  get names(): string[] {
    return this.#upstreams.map((u) => u.name);
  }
  urls(): string[] {
    return this.#upstreams.map((u) => u.url);
  }
  get(name: string): DemoUpstream | undefined {
    return this.#upstreams.find((u) => u.name === name);
  }
  list(): DemoUpstreamView[] {
    return this.#upstreams.map((u) => u.view());
  }

  /** Validates then applies a fault by name: the admin API's one entry point. */
  async applyFault(name: string, body: unknown): Promise<FaultResult> {
    const u = this.get(name);
    if (!u)
      return {
        ok: false,
        status: 404,
        message: `unknown upstream "${name}" (known: ${this.names.join(', ')})`,
      };
    const parsed = parseFault(body);
    if (!parsed.ok) return { ok: false, status: 400, message: parsed.message };
    await u.setFault(parsed.fault);
    return { ok: true, upstream: u.view() };
  }

  async close(): Promise<void> {
    await Promise.all(this.#upstreams.map((u) => u.close()));
  }
}
