/**
 * The SLO runtime around the pure engine (docs/slo-runtime.md): records `request.done`, evaluates
 * every `alerts.evaluation_interval` on an unref'd timer, publishes each alert transition as
 * `slo.alert` and logs it, derives the budget policy, and persists the engine's state (its counts
 * and its alert state, restored at start so a restart neither pages twice nor forgets a resolve).
 *
 * Three roles: a single process does everything; a supervised worker only records (the primary
 * takes its counts with takeDelta() over IPC); the supervisor's primary records nothing itself,
 * pulls every worker's delta before each evaluation and owns the store, the alerts and the policy,
 * so an alert fires once, not once per worker.
 */
import type { SloConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { EventBus, SloAlertEvent } from '../core/events.js';
import { publishAlert } from './alert-log.js';
import type { SloLog } from './contracts.js';
import { SloEngine, type SloEngineState, type SloStatus } from './engine.js';
import { Persistence } from './persist.js';
import type { PolicyAction, RoutePolicy } from './policy.js';
import { PolicyBoard } from './policy-board.js';
import type { SloStore } from './store.js';

export interface SloRuntimeOptions {
  role: 'single' | 'worker' | 'primary';
  slos: readonly SloConfig[];
  evaluationInterval: number;
  bus: EventBus;
  clock: Clock;
  log: SloLog;
  store: SloStore<SloEngineState> | null;
  routeNames(): readonly string[];
  /** primary: every live worker's counts since the last pull. */
  pull?: () => Promise<SloEngineState[]>;
  /** The per-route policy changed (the app sets it on the gateway, or sends it to workers). */
  onPolicy?: (policies: Map<string, RoutePolicy>) => void;
  /**
   * Called once, after the first evaluation since start, with where every alerting tier stands
   * (engine.alertStates()): the alert notifier resolves at each receiver what no longer fires and
   * sends what a receiver never got, never re-triggering what it holds (docs/alerts.md "Restarts").
   */
  reconcile?: (states: SloAlertEvent[]) => void;
}

export class SloRuntime {
  readonly #o: SloRuntimeOptions;
  #slos: readonly SloConfig[];
  #engine: SloEngine;
  readonly #board: PolicyBoard;
  #reconciled = false;
  #timer: NodeJS.Timeout | null = null;
  #off: (() => void) | null = null;
  #busy = false;
  readonly #persist: Persistence | null;

  constructor(o: SloRuntimeOptions) {
    this.#o = o;
    this.#slos = o.slos;
    this.#engine = this.#create(o.slos);
    this.#board = new PolicyBoard(o.log, o.clock);
    this.#persist = o.store ? new Persistence(o.store, o.log) : null;
    this.#persist?.load(this.#engine);
  }

  start(): void {
    if (this.#o.role !== 'primary') this.#off = this.#o.bus.on('request.done', (e) => this.#engine.record(e));
    if (this.#o.role === 'worker') return;
    // A failed evaluation is logged, never an unhandled rejection (that would end the process).
    const tick = () =>
      this.tick().catch((err: unknown) =>
        this.#o.log.error(
          { event: 'slo.evaluate', reason: 'evaluation_failed', err },
          'SLO evaluation failed',
        ),
      );
    this.#timer = setInterval(tick, this.#o.evaluationInterval);
    this.#timer.unref();
  }

  /** One evaluation: pull (primary), evaluate, publish and log alerts, apply policy, save. */
  async tick(): Promise<SloAlertEvent[]> {
    if (this.#busy) return [];
    this.#busy = true;
    try {
      if (this.#o.pull) for (const d of await this.#o.pull()) this.#engine.import(d);
      const events = this.#engine.evaluate();
      for (const e of events) publishAlert(this.#o.bus, this.#o.log, e);
      if (!this.#reconciled) {
        this.#reconciled = true;
        this.#o.reconcile?.(this.#engine.alertStates());
      }
      const changed = this.#board.update(this.#slos, this.#engine.status(), this.#o.routeNames());
      if (changed) this.#o.onPolicy?.(this.#board.routePolicies());
      this.#save();
      return events;
    } finally {
      this.#busy = false;
    }
  }

  status(): SloStatus[] {
    return this.#engine.status();
  }

  /** Alerts firing now, with when each started (the handoff report's input); kept across restarts. */
  firingSince(): Map<string, number> {
    return this.#engine.firingSince();
  }

  actions(): PolicyAction[] {
    return this.#board.list();
  }

  /** The freeze_reloads action in force, if any. */
  frozen(): PolicyAction | null {
    return this.#board.list().find((a) => a.action === 'freeze_reloads') ?? null;
  }

  /** worker: the counts recorded since the last call; the engine starts over from zero. */
  takeDelta(): SloEngineState {
    const state = this.#engine.export();
    this.#engine = this.#create(this.#slos);
    return state;
  }

  reconfigure(slos: readonly SloConfig[]): void {
    this.#slos = slos;
    this.#engine.reconfigure(slos, this.#o.routeNames());
  }

  /** Stops the timer and saves once more (on shutdown); the store stays open for its owner to close. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#off?.();
    this.#save();
  }

  #create(slos: readonly SloConfig[]): SloEngine {
    return new SloEngine(slos, this.#o.clock, this.#o.routeNames());
  }

  #save(): void {
    if (this.#o.role !== 'worker') this.#persist?.save(this.#engine, this.#o.clock.now());
  }
}
