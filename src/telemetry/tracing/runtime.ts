import type { TracingConfig } from '../../config/types.js';
import type { EventBus } from '../../core/events.js';
import { subscribeTracing, type TracingOptions, type TracingSubscriber } from './subscriber.js';

/**
 * The app's handle on tracing across reloads. Off, nothing exists (no subscriber, so the data
 * plane's try.done/request.done channels may stay inactive). A reload that changes the tracing
 * section replaces the subscriber: the old one exports what it holds, then the new one starts.
 * The data plane side (propagation, sampling) follows the config version by itself.
 */
export class TracingRuntime {
  readonly #bus: EventBus;
  readonly #opts: TracingOptions;
  #config: TracingConfig;
  #sub: TracingSubscriber | null;

  constructor(bus: EventBus, config: TracingConfig, opts: TracingOptions = {}) {
    this.#bus = bus;
    this.#opts = opts;
    this.#config = config;
    this.#sub = config.enabled ? subscribeTracing(bus, config, opts) : null;
  }

  get active(): boolean {
    return this.#sub !== null;
  }

  async reconfigure(next: TracingConfig): Promise<void> {
    if (JSON.stringify(next) === JSON.stringify(this.#config)) return;
    const old = this.#sub;
    this.#config = next;
    this.#sub = next.enabled ? subscribeTracing(this.#bus, next, this.#opts) : null;
    await old?.shutdown().catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.#sub?.flush() ?? Promise.resolve();
  }

  /** Exports what is left; an unreachable collector costs at most the export timeout. */
  async shutdown(): Promise<void> {
    const sub = this.#sub;
    this.#sub = null;
    await sub?.shutdown().catch(() => undefined);
  }
}
