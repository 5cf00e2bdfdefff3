/**
 * SIGTERM under load drops no request (docs/operations.md, "Graceful shutdown"). Every request
 * either completes with 200 or is refused at connect (the listener is closed); none is reset or
 * answered 5xx mid-request, and the process exits 0.
 *
 * The moment of the signal is chosen by events, not by time: the upstream holds one request of
 * every client loop, so at SIGTERM each keep-alive connection carries a request in flight, and
 * releases them only once keel logs that its drain began. Sent while requests flow freely, the
 * signal could find a request still on its way over a connection keel saw as idle; closing idle
 * connections (drain step 1) then resets it, and nothing a server does can tell such a request
 * from none (RFC 9112 §9.3.1: a client may retry it on a new connection). That race, not the drain,
 * is what failed here on a loaded machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadLoop, spawnKeel, within } from './control-util.js';

const LOOPS = 8;

/** An upstream that answers /work at once until hold(), then keeps each /work until release(). */
class GatedUpstream {
  readonly #server = createServer((req, res) => {
    req.resume();
    if (!req.url?.startsWith('/work')) return void res.end('ok'); // health checks pass through
    if (this.#holding) {
      this.#held.push(res);
      this.#notify();
    } else {
      this.#answered++;
      res.end('work');
      this.#notify();
    }
  });
  #holding = false;
  #answered = 0;
  readonly #held: ServerResponse[] = [];
  readonly #waiters = new Set<() => void>();

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Resolves once `n` requests to /work were answered. */
  answered(n: number): Promise<void> {
    return this.#until(() => this.#answered >= n);
  }

  /** From now on /work is held; resolves once `n` requests are held. */
  hold(n: number): Promise<void> {
    this.#holding = true;
    return this.#until(() => this.#held.length >= n);
  }

  release(): number {
    this.#holding = false;
    for (const res of this.#held) res.end('work');
    return this.#held.length;
  }

  close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #until(ready: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  #notify(): void {
    for (const check of this.#waiters) check();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'keel-shutdown-'));
const upstream = new GatedUpstream();
after(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('SIGTERM under load: every request completes or is refused at connect; exit 0', async () => {
    const origin = await upstream.start();
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      'listeners: [{ port: 0 }]\nadmin: { port: 0 }\nshutdown: { drain_timeout: 5s }\n' +
        `pools:\n  app: { hosts: ["${origin}"] }\nroutes:\n  - pool: app\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '1']);
    try {
      // Logged once the listeners and the admin server listen, and the signal handlers are in place.
      const started = JSON.parse(await keel.line(/"event":"started"/)) as {
        listeners: Array<{ port: number }>;
      };
      // One socket per loop: no spare keep-alive connection sits idle at the signal.
      const agent = new Agent({ keepAlive: true, maxSockets: LOOPS });
      const loop = loadLoop(`http://127.0.0.1:${started.listeners[0]!.port}/work`, {
        concurrency: LOOPS,
        agent,
        until: (o) => o.status !== 200,
      });
      await within('load', 10_000, upstream.answered(40));
      await within('a request of every loop in flight', 10_000, upstream.hold(LOOPS));
      const before = loop.outcomes.length;
      keel.child.kill('SIGTERM');
      // Logged as the listeners stop accepting: the responses from here on close their connection.
      await keel.line(/"event":"drain","phase":"start"/);
      assert.equal(upstream.release(), LOOPS);
      const exit = await within('keel to exit', 15_000, keel.exited);
      await within('every loop to end', 15_000, loop.done);
      agent.destroy();
      const bad = loop.outcomes.filter((o) => o.status !== 200 && o.error !== 'ECONNREFUSED');
      assert.deepEqual(bad, [], `bad outcomes; log:\n${keel.output()}`);
      assert.ok(loop.outcomes.length > before, 'requests in flight at SIGTERM completed');
      assert.deepEqual(exit, { code: 0, signal: null }, keel.output());
      // The started line says which heap-growth rule the process runs with (default 300).
      assert.match(keel.output(), /"event":"started".*"heap_growth_percent":300/);
    } finally {
      keel.child.kill('SIGKILL');
    }
  });
});
