/**
 * Loading and saving the engine's state through the store (store.ts), with every failure logged
 * and none thrown: the SLO history is worth keeping, never worth stopping the gateway for.
 */
import type { SloLog } from './contracts.js';
import type { SloEngine, SloEngineState } from './engine.js';
import type { SloStore } from './store.js';

export class Persistence {
  readonly #store: SloStore<SloEngineState>;
  readonly #log: SloLog;
  #failing = false;

  constructor(store: SloStore<SloEngineState>, log: SloLog) {
    this.#store = store;
    this.#log = log;
  }

  /** Restores the saved counts and alert state into the engine (fresh at startup). */
  load(engine: SloEngine): void {
    const path = this.#store.path;
    try {
      const saved = this.#store.load();
      if (saved) engine.restore(saved.state);
      this.#log.info(
        { event: 'slo.store', reason: saved ? 'loaded' : 'new', path },
        saved ? `SLO history loaded from ${path}` : `SLO history starts in ${path}`,
      );
    } catch (err) {
      this.#log.error(
        { event: 'slo.store', reason: 'load_failed', err, path },
        `cannot read the SLO history in ${path}: starting from empty counts`,
      );
    }
  }

  save(engine: SloEngine, now: number): void {
    try {
      this.#store.save(engine.export(), now);
      this.#failing = false;
    } catch (err) {
      // Logged once per failing streak: the gateway keeps serving and keeps counting in memory.
      if (!this.#failing)
        this.#log.error(
          { event: 'slo.store', reason: 'save_failed', err, path: this.#store.path },
          `cannot save the SLO history to ${this.#store.path}`,
        );
      this.#failing = true;
    }
  }
}
