/** Helpers for the edge-cache tests: a scripted origin, a gateway on a manual clock. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ManualClock } from '../../src/core/clock.js';
import { EventBus, type EventName, type KeelEvents } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, send, Upstream } from './proxy-util.js';

/** What the origin answers; `seen` records every request it got (method, url, headers). */
export interface Script {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** Answer 304 (with `headers304`) when the request's If-None-Match equals this. */
  etag304?: string;
  headers304?: Record<string, string>;
  /** Hold every answer until release() (coalescing tests). */
  hold?: boolean;
  /** The origin's connection closes before the head ('head'), or after the head and half the body ('body'). */
  cut?: 'head' | 'body';
  /** Interim answers sent before the final one: 102, or 103 with its fields (RFC 9110 §15.2). */
  interim?: Array<[number, Record<string, string | string[]>]>;
}

export class Origin extends Upstream {
  script: Script = { status: 200, headers: {}, body: '' };
  readonly seen: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];
  readonly #held: Array<() => void> = [];

  constructor() {
    super('origin', (req, res) => this.#answer(req, res));
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    res.sendDate = false; // Date would be the wall clock; the gateway runs on a manual one
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    const s = this.script;
    const go = (): void => {
      if (s.cut === 'head') {
        req.socket.destroy();
        return;
      }
      for (const [status, headers] of s.interim ?? []) {
        if (status === 102) res.writeProcessing();
        else if (status === 103) res.writeEarlyHints(headers);
      }
      if (s.cut === 'body') {
        res.writeHead(s.status, { ...s.headers, 'content-length': String(s.body.length * 2) });
        res.write(s.body);
        setImmediate(() => req.socket.destroy());
        return;
      }
      if (s.etag304 !== undefined && req.headers['if-none-match'] === s.etag304) {
        res.writeHead(304, s.headers304 ?? {});
        res.end();
        return;
      }
      res.writeHead(s.status, s.headers);
      res.end(req.method === 'HEAD' ? undefined : s.body);
    };
    if (s.hold) this.#held.push(go);
    else go();
  }

  get held(): number {
    return this.#held.length;
  }

  release(): void {
    for (const go of this.#held.splice(0)) go();
  }
}

export interface CacheRig {
  gw: Gateway;
  bus: EventBus;
  clock: ManualClock;
  origin: Origin;
  url: string;
  events<K extends EventName>(name: K): Array<KeelEvents[K]>;
  get(path: string, headers?: Record<string, string>): ReturnType<typeof send>;
  close(): Promise<void>;
}

/** An origin and a gateway whose one route `web` caches (route fields merged over `cache: {}`). */
export async function cacheRig(
  route: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
  pool: Record<string, unknown> = {},
): Promise<CacheRig> {
  const origin = await new Origin().listen();
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 0));
  const bus = new EventBus();
  const seen = new Map<EventName, unknown[]>();
  for (const n of ['request.done', 'cache.revalidate'] as const) {
    bus.on(n, (e) => {
      const list = seen.get(n) ?? [];
      list.push(e);
      seen.set(n, list);
    });
  }
  const config = makeConfig({
    pools: { web: { hosts: [origin.url], health: { outlier: { enabled: false } }, ...pool } },
    routes: [{ name: 'web', pool: 'web', cache: {}, retry: { enabled: false }, ...route }],
    ...top,
  });
  const gw = createGateway(config, 'v1', { bus, clock });
  const [addr] = await gw.listen();
  const url = `http://127.0.0.1:${addr!.port}`;
  return {
    gw,
    bus,
    clock,
    origin,
    url,
    events: <K extends EventName>(name: K) => (seen.get(name) ?? []) as Array<KeelEvents[K]>,
    get: (path, headers = {}) => send(`${url}${path}`, { headers }),
    close: async () => {
      await gw.close();
      await origin.close();
    },
  };
}
