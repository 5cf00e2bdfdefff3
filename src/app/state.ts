/**
 * What a composition root keeps about the config it serves — one process or the cluster primary
 * alike. The admin API, the handoff report and readiness read it; only a reload or shutdown
 * writes it.
 */
import type { Config } from '../config/types.js';

export interface AppState {
  /** The last good config: the one serving now, and the one a restarted worker starts with. */
  config: Config;
  /** Its version hash (docs/configuration.md). */
  version: string;
  /** When it was applied, ms since the epoch. */
  loadedAt: number;
  /** Set when shutdown begins: /readyz fails from then on, before the listeners stop. */
  shuttingDown: boolean;
}

export function newState(config: Config, version: string, now: number): AppState {
  return { config, version, loadedAt: now, shuttingDown: false };
}
