/**
 * A demo upstream: a tiny JSON service that can be told to fail (docs/operations.md, "The demo
 * walkthrough").
 *
 * 'down' closes the listening socket AND destroys open connections, so new connections are
 * refused (ECONNREFUSED) and kept-alive ones are cut — what a crashed process looks like to
 * Keel. 'ok' listens again on the same port, so the pool's configured URL stays valid.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mathRandom, type Random } from '../core/random.js';
import { type Fault, faultApplies } from './fault.js';

export interface DemoUpstreamView {
  name: string;
  url: string;
  port: number;
  fault: Fault;
  requests: number;
}

export class DemoUpstream {
  readonly name: string;
  readonly host: string;
  #port: number;
  #random: Random;
  #server: Server;
  #sockets = new Set<Socket>();
  #listening = false;
  #fault: Fault = { mode: 'ok', latency_ms: 0, error_rate: 0 };
  #requests = 0;

  constructor(opts: { name: string; host?: string; port: number }, deps: { random?: Random } = {}) {
    this.name = opts.name;
    this.host = opts.host ?? '127.0.0.1';
    this.#port = opts.port;
    this.#random = deps.random ?? mathRandom;
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 5000;
    this.#server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
  }

  get port(): number {
    return this.#port;
  }
  get url(): string {
    return `http://${this.host}:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(this.#port, this.host, () => {
        this.#server.off('error', onError);
        const addr = this.#server.address();
        if (addr && typeof addr === 'object') this.#port = addr.port; // port 0 → the real one, kept for 'ok'
        resolve();
      });
    });
    this.#listening = true;
  }

  /** Applies a fault (already validated by parseFault). */
  async setFault(fault: Fault): Promise<Fault> {
    this.#fault = { ...fault };
    if (fault.mode === 'down') await this.#stop();
    else await this.start();
    return this.#fault;
  }

  view(): DemoUpstreamView {
    return {
      name: this.name,
      url: this.url,
      port: this.#port,
      fault: { ...this.#fault },
      requests: this.#requests,
    };
  }

  async close(): Promise<void> {
    await this.#stop();
  }

  async #stop(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.#requests++;
    req.resume(); // drain any request body; the demo answers without reading it
    const f = this.#fault;
    // A fault scoped to a path (one broken endpoint) leaves the host's other paths alone.
    const applies = faultApplies(f, req.url ?? '/');
    const fail = applies && f.mode === 'errors' && this.#random.next() < f.error_rate;
    const answer = () => {
      if (res.destroyed) return;
      const healthz = req.url === '/healthz' || req.url?.startsWith('/healthz?') === true;
      const status = fail ? 500 : 200;
      const body = fail
        ? { upstream: this.name, error: 'injected fault: errors' }
        : healthz
          ? { status: 'pass', upstream: this.name }
          : { upstream: this.name, path: req.url ?? '/', time: new Date().toISOString() };
      const text = JSON.stringify(body);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      };
      // /static/* is what the demo's cached route shows off (docs/caching.md): fresh for 10 s, then
      // refetched — or, when every upstream fails, answered stale for an hour. No
      // stale-while-revalidate: it would answer stale-while-revalidate first for its whole window,
      // and the README's walk-through would need a long wait before stale-if-error shows.
      if (!fail && req.url?.startsWith('/static/') === true) {
        headers['cache-control'] = 'public, max-age=10, stale-if-error=3600';
      }
      res.writeHead(status, headers);
      res.end(text);
    };
    if (f.latency_ms <= 0 || !applies) {
      answer();
      return;
    }
    const timer = setTimeout(answer, f.latency_ms);
    res.once('close', () => clearTimeout(timer));
  }
}
