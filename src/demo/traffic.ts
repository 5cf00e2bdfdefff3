/**
 * `keel demo --traffic N`: light background traffic to the demo gateway, so the dashboard's
 * charts and the SLO move without a load tool. Bounded on purpose: N requests per second at most,
 * never more than MAX_IN_FLIGHT at once (a slow upstream makes it send less, not pile up), on one
 * keep-alive agent, on an unref'd timer (it never keeps the process alive). Off unless asked for.
 */
import { Agent, get } from 'node:http';

const MAX_IN_FLIGHT = 10;

export class DemoTraffic {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  #timer: NodeJS.Timeout | null = null;
  #inFlight = 0;
  sent = 0;

  constructor(
    readonly url: string,
    readonly rps: number,
  ) {}

  start(): void {
    if (this.#timer || this.rps <= 0) return;
    this.#timer = setInterval(() => this.#tick(), Math.max(20, Math.round(1000 / this.rps)));
    this.#timer.unref();
  }

  #tick(): void {
    if (this.#inFlight >= MAX_IN_FLIGHT) return;
    this.#inFlight++;
    this.sent++;
    const done = () => {
      this.#inFlight--;
    };
    const req = get(this.url, { agent: this.#agent, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', done);
      res.on('error', done);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', done);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#agent.destroy();
  }
}
