/**
 * The SLO runtime in the composition root (docs/slo-runtime.md): opens the state file, creates
 * the runtime when the config has SLOs (on startup or on the first reload that adds some), owns
 * the alert notifier (docs/alerts.md) whose receivers' open alerts it keeps in that same file,
 * and translates for its neighbours — firing alerts and budget policy for the handoff report, the
 * per-route policy for the gateway (the proxy never imports slo), the reload freeze for the
 * reload queue.
 */
import { resolve } from 'node:path';
import type { FiringAlert } from '../admin/handoff/types.js';
import type { Config, ConfigProblem } from '../config/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { SloEngineState, SloStatus } from '../slo/engine.js';
import type { PolicyAction, RoutePolicy } from '../slo/policy.js';
import { SloRuntime, type SloRuntimeOptions } from '../slo/runtime.js';
import { SloStore } from '../slo/store.js';
import {
  type AlertNotifier,
  type DeliveryLedger,
  reconfigureAlertNotifier,
} from '../telemetry/alerts/index.js';
import type { Logger } from '../telemetry/logging.js';

/** How long shutdown lets queued alerts flush: it never waits long on a pager (docs/alerts.md). */
export const ALERT_FLUSH_MS = 5000;

export type { SloEngineState } from '../slo/engine.js';
export type { RoutePolicy } from '../slo/policy.js';

export interface SloHostDeps {
  role: SloRuntimeOptions['role'];
  bus: EventBus;
  logger: Logger;
  clock?: Clock;
  routeNames(): readonly string[];
  /** The per-route budget policy changed (single process: the gateway; primary: the workers). */
  onPolicy?: (policies: Map<string, RoutePolicy>) => void;
  /** primary: every live worker's counts since the last pull. */
  pull?: () => Promise<SloEngineState[]>;
}

export class SloHost {
  readonly #d: SloHostDeps;
  #runtime: SloRuntime | null = null;
  #store: SloStore<SloEngineState> | null = null;
  /**
   * Alert delivery; null without receivers, and always in a supervised worker: the primary
   * evaluates and delivers, so workers never page.
   */
  #notifier: AlertNotifier | null = null;
  /** What each receiver holds open, kept beside the SLO history (docs/alerts.md "Restarts"). */
  readonly #ledger: DeliveryLedger = {
    openAlerts: () => this.#store?.openAlerts() ?? [],
    delivered: (d) => this.#store?.delivered(d),
  };
  /** SLOs whose tiers alert (alerting.enabled); the others still drive policy, not alerts. */
  #alerting = new Set<string>();
  /** Each SLO's alerting.min_events: below it, a spent budget is not yet an incident. */
  #minEvents = new Map<string, number>();

  constructor(d: SloHostDeps) {
    this.#d = d;
  }

  get runtime(): SloRuntime | null {
    return this.#runtime;
  }

  /**
   * Startup and every applied reload. No runtime is created (nor subscribed) without SLOs, and no
   * notifier without receivers.
   */
  configure(config: Config): void {
    this.#alerting = new Set(config.slos.filter((s) => s.alerting.enabled).map((s) => s.name));
    this.#minEvents = new Map(config.slos.map((s) => [s.name, s.alerting.min_events]));
    if (this.#runtime) this.#runtime.reconfigure(config.slos);
    else if (config.slos.length > 0) this.#start(config);
    if (this.#d.role !== 'worker')
      this.#notifier = reconfigureAlertNotifier(this.#notifier, this.#d.bus, config, this.#d.logger, {
        ledger: this.#ledger,
      });
  }

  #start(config: Config): void {
    this.#store = this.#d.role === 'worker' ? null : this.#open(config.alerts.state_file);
    // A notifier built before the file was open (a reload added the first SLOs) reads it now.
    if (this.#store) this.#notifier?.restore(this.#store.openAlerts());
    this.#runtime = new SloRuntime({
      role: this.#d.role,
      slos: config.slos,
      evaluationInterval: config.alerts.evaluation_interval,
      bus: this.#d.bus,
      clock: this.#d.clock ?? systemClock,
      log: this.#d.logger,
      store: this.#store,
      routeNames: this.#d.routeNames,
      reconcile: (states) => this.#notifier?.reconcile(states),
      ...(this.#d.pull ? { pull: this.#d.pull } : {}),
      ...(this.#d.onPolicy ? { onPolicy: this.#d.onPolicy } : {}),
    });
    this.#runtime.start();
  }

  status(): SloStatus[] {
    return this.#runtime?.status() ?? [];
  }

  /**
   * Firing alerts for the handoff report (docs/handoff.md): each firing tier keeps its severity
   * (a page tier is critical, a ticket tier a warning) — for SLOs with alerting enabled — and a
   * spent budget is one more critical alert, `<slo>:budget_spent`, for every SLO once its window
   * holds alerting.min_events events: the same guard as the burn-rate tiers, so one failed request
   * out of one on a quiet route does not make the system critical (docs/handoff.md).
   */
  alerts(): FiringAlert[] {
    const rt = this.#runtime;
    if (!rt) return [];
    const since = rt.firingSince();
    const now = new Date((this.#d.clock ?? systemClock).now()).toISOString();
    const iso = (key: string) => {
      const at = since.get(key);
      return at === undefined ? now : new Date(at).toISOString();
    };
    const out: FiringAlert[] = [];
    for (const s of rt.status()) {
      for (const a of s.alerts) {
        if (!a.firing || !this.#alerting.has(s.name)) continue;
        const key = `${s.name}:${a.tier}`;
        const burn = a.burn_long === null ? '?' : a.burn_long.toFixed(1);
        const summary = `SLO ${s.name} burns its budget ${burn}× (threshold ${a.threshold}×)`;
        out.push({ name: key, severity: a.severity, summary, since: iso(key) });
      }
      const left = s.budget.remaining;
      const enough = s.events.total >= (this.#minEvents.get(s.name) ?? 1);
      if (left !== null && left <= 0 && enough) {
        const summary = `SLO ${s.name} has spent its error budget (${(left * 100).toFixed(1)}% left over ${s.window})`;
        // Since when it is spent, not since this report: the evaluation records the transition.
        const since = s.budget.spent_since ?? now;
        out.push({ name: `${s.name}:budget_spent`, severity: 'critical', summary, since });
      }
    }
    return out;
  }

  actions(): PolicyAction[] {
    return this.#runtime?.actions() ?? [];
  }

  /** freeze_reloads: a reload not marked as a fix is refused while a budget is spent. */
  reloadGate(fix: boolean): ConfigProblem | null {
    const frozen = this.#runtime?.frozen();
    if (!frozen || fix) return null;
    return {
      path: '',
      code: 'reload_frozen',
      message: `hot reloads are frozen by the budget policy of SLO ${frozen.slo}: ${frozen.reason}`,
      hint: 'mark a reload that fixes the problem as a fix: POST /api/v1/reload?fix=true',
    };
  }

  takeDelta(): SloEngineState | null {
    return this.#runtime?.takeDelta() ?? null;
  }

  async tick(): Promise<void> {
    await this.#runtime?.tick();
  }

  /**
   * Shutdown: the SLO state is saved, queued alerts get up to `flushMs` to go out (each delivery
   * still recorded in the state file), then the file is closed.
   */
  async close(flushMs = ALERT_FLUSH_MS): Promise<void> {
    this.#runtime?.close();
    await this.#notifier?.close(flushMs);
    this.#notifier = null;
    this.#store?.close();
    this.#store = null;
  }

  #open(file: string | null): SloStore<SloEngineState> | null {
    if (file === null) return null;
    const path = resolve(file);
    const r = SloStore.open<SloEngineState>(path);
    if (r.ok) return r.store;
    this.#d.logger.error(
      { event: 'slo.store', reason: 'open_failed', path, error: r.error },
      `cannot open the SLO state file ${path} (${r.error}): SLO history is kept in memory only and lost on restart`,
    );
    return null;
  }
}
