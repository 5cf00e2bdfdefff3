/**
 * The reload lifecycle (docs/lifecycles.md "Config reload"): read -> validate -> apply, one at a
 * time. An invalid config is refused with its problems and the gateway keeps the last good one;
 * a config that fails to apply (e.g. a listener port in use) is refused the same way.
 */
import type { ReloadResponse } from '../admin/api-types.js';
import {
  type ConfigDiff,
  formatProblem,
  type LoadResult,
  loadConfigFile,
  validateConfig,
} from '../config/index.js';
import type { Config, ConfigProblem } from '../config/types.js';
import { systemClock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Logger } from '../telemetry/logging.js';

export type ReloadSource = 'sighup' | 'api';

/**
 * The reload's read step: a posted config is validated as it is, else the config file is read
 * again; a gateway started without a file (an embedding, a test) can only take a posted one.
 */
export function configReader(
  configPath: string | null,
  env?: Record<string, string | undefined>,
): (raw: unknown) => LoadResult {
  return (raw) => {
    if (raw !== undefined) return validateConfig(raw, env);
    if (configPath) return loadConfigFile(configPath, env);
    return {
      ok: false,
      problems: [
        {
          path: '',
          code: 'no_config_file',
          message: 'this gateway was not started from a config file',
          hint: 'POST the whole config as a JSON body to /api/v1/reload',
        },
      ],
    };
  };
}

export interface ReloadDeps {
  bus: EventBus;
  logger: Logger;
  current(): Config;
  read(raw: unknown): LoadResult;
  /** `fromBody`: the config was posted to the API, not read from the file. */
  apply(next: Config, version: string, source: ReloadSource, fromBody: boolean): Promise<ConfigDiff>;
  /** A reason to refuse before reading (an SLO's freeze_reloads policy); `fix` marks a fix. */
  gate?: (fix: boolean) => ConfigProblem | null;
}

export class ReloadQueue {
  readonly #deps: ReloadDeps;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(deps: ReloadDeps) {
    this.#deps = deps;
  }

  run(source: ReloadSource, raw?: unknown, fix = false): Promise<ReloadResponse> {
    return this.#serial(async () => {
      const refused = this.#deps.gate?.(fix) ?? null;
      if (refused) return this.#refuse([refused], source);
      return this.#applyNow(this.#deps.read(raw), source, raw !== undefined);
    });
  }

  applyResult(result: LoadResult, source: ReloadSource): Promise<ReloadResponse> {
    return this.#serial(() => this.#applyNow(result, source, false));
  }

  // Reloads run one after another so two SIGHUPs never interleave their swaps.
  #serial(fn: () => Promise<ReloadResponse>): Promise<ReloadResponse> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #applyNow(result: LoadResult, source: ReloadSource, fromBody: boolean): Promise<ReloadResponse> {
    if (!result.ok) return this.#refuse(result.problems, source);
    try {
      const changes = await this.#deps.apply(result.config, result.version, source, fromBody);
      if (changes.adminChanged) {
        this.#deps.logger.warn(
          { event: 'config.reload', reason: 'admin_changed' },
          'admin settings changed: they take effect on restart',
        );
      }
      this.#publish(true, result.version, source, []);
      return { ok: true, version: result.version, changes };
    } catch (err) {
      return this.#refuse(
        [
          {
            path: '',
            code: 'apply_failed',
            message: `the config is valid but could not be applied: ${(err as Error).message}`,
            hint: 'fix the cause (e.g. a listener port already in use) and reload again',
          },
        ],
        source,
      );
    }
  }

  #refuse(problems: ConfigProblem[], source: ReloadSource): ReloadResponse {
    this.#publish(false, '', source, problems.map(formatProblem));
    return { ok: false, problems };
  }

  #publish(ok: boolean, version: string, source: ReloadSource, problems: string[]): void {
    this.#deps.bus.channel('config.reload').publish({ ok, version, source, problems, at: systemClock.now() });
  }
}
