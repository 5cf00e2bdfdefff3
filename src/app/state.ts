/**
 * What a composition root keeps about the config it serves — one process or the cluster primary
 * alike. The admin API, the handoff report and readiness read it; only a reload or shutdown
 * writes it.
 */
import type { ConfigSource } from '../admin/api-types.js';
import type { Config } from '../config/types.js';

export interface AppState {
  /** The last good config: the one serving now, and the one a restarted worker starts with. */
  config: Config;
  /** Its version hash (docs/configuration.md). */
  version: string;
  /** When it was applied, ms since the epoch. */
  loadedAt: number;
  /** Where it came from; a reload with a body makes it 'api' until the next reload from the file. */
  source: ConfigSource;
  /** Set when shutdown begins: /readyz fails from then on, before the listeners stop. */
  shuttingDown: boolean;
}

export function newState(config: Config, version: string, now: number, source: ConfigSource): AppState {
  return { config, version, loadedAt: now, source, shuttingDown: false };
}
