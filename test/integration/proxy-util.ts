/** Helpers for the request-path integration tests: real upstreams, a real gateway, raw clients. */
import { once } from 'node:events';
import {
  type Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { validateConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { EventBus, type EventName, type KeelEvents } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, up: Upstream) => void;

/** Answers 200 with the upstream's name; echoes request facts in headers. */
export const hello: Handler = (req, res, up) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': up.name, 'x-seen-path': req.url ?? '' });
    res.end(up.name);
  });
};

export class Upstream {
  readonly name: string;
  readonly server: Server;
  handler: Handler;
  hits = 0;
  connections = 0;
  readonly sockets = new Set<Socket>();
  port = 0;

  constructor(name: string, handler: Handler = hello) {
    this.name = name;
    this.handler = handler;
    this.server = createServer((req, res) => {
      this.hits++;
      this.handler(req, res, this);
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<this> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The process dies: no more connections, every open one reset. */
  kill(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}

export async function upstreams(n: number, handler: Handler = hello): Promise<Upstream[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => new Upstream(`app-${i + 1}`, handler).listen()));
}

/** A config from raw input (validated and defaulted by the config room); throws on problems. */
export function makeConfig(raw: Record<string, unknown>): Config {
  const r = validateConfig({ listeners: [{ name: 'main', host: '127.0.0.1', port: 0 }], ...raw });
  if (!r.ok) throw new Error(`bad test config: ${JSON.stringify(r.problems, null, 2)}`);
  return r.config;
}

export interface Running {
  gw: Gateway;
  bus: EventBus;
  port: number;
  url: string;
  events<K extends EventName>(name: K): Array<KeelEvents[K]>;
  close(): Promise<void>;
}

export async function startGateway(raw: Record<string, unknown>, bus = new EventBus()): Promise<Running> {
  const gw = createGateway(makeConfig(raw), 'v1', { bus });
  const seen = new Map<EventName, unknown[]>();
  const names: EventName[] = [
    'request.start',
    'request.done',
    'try.done',
    'retry',
    'shed',
    'breaker.transition',
    'host.ejected',
  ];
  const offs = names.map((n) =>
    bus.on(n, (e) => {
      const list = seen.get(n) ?? [];
      list.push(e);
      seen.set(n, list);
    }),
  );
  const [addr] = await gw.listen();
  const port = addr!.port;
  return {
    gw,
    bus,
    port,
    url: `http://127.0.0.1:${port}`,
    events: <K extends EventName>(name: K) => (seen.get(name) ?? []) as Array<KeelEvents[K]>,
    close: async () => {
      for (const off of offs) off();
      await gw.close();
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error: string;
}

/** One request; never rejects (error carries the socket error code). */
export function send(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    agent?: Agent | false;
  } = {},
): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            error: '',
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ status: 0, headers: {}, body: '', error: err.code ?? 'error' }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 0, headers: {}, body: '', error: err.code ?? 'error' }),
    );
    req.end(opts.body);
  });
}

/** Raw bytes in, everything the server sends until it closes (or `ms` passes) out. */
export function raw(port: number, bytes: string | Buffer, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('data', (b: Buffer) => {
      out += b.toString('latin1');
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.write(bytes);
  });
}

/**
 * Writes `total` bytes of `chunk` as a 200 octet stream, honouring backpressure; `progress` is told
 * the running count of bytes handed to the socket (what a stalled reader lets through).
 */
export function pumpBytes(
  res: ServerResponse,
  total: number,
  chunk: Buffer,
  progress: (sent: number) => void = () => undefined,
): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += chunk.length;
      progress(sent);
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/** Polls `pred` until it holds or `ms` passes (then throws with `what`). */
export async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function pool(
  name: string,
  hosts: ReadonlyArray<{ readonly url: string }>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { [name]: { hosts: hosts.map((h) => h.url), ...extra } };
}
