/** A redis-server owned by one test, on its own port: stopped and restarted to simulate an outage. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export class OwnRedis {
  readonly port: number;
  #child: ChildProcess | null = null;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Starts it: no persistence, loopback only. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const c = spawn('redis-server', [...args, '--daemonize', 'no'], { stdio: 'ignore' });
    await once(c, 'spawn');
    this.#child = c;
  }

  /** SIGTERM, and waits for it to exit (no-op when it is not running). */
  async stop(): Promise<void> {
    const c = this.#child;
    this.#child = null;
    if (c === null || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    await once(c, 'exit');
  }
}
