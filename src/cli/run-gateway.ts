/**
 * `keel run`'s engine (loaded on demand so `keel validate` never loads the data plane):
 * N = 1 runs the gateway in this process; N > 1 runs the node:cluster supervisor.
 */
import { startApp } from '../app/app.js';
import { startPrimary } from '../app/primary.js';
import type { Config } from '../config/types.js';
import { applyHeapGrowth } from '../supervisor/heap-growth.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { keepTickShape } from '../supervisor/tick-shape.js';
import { createLogger } from '../telemetry/logging.js';
import { adminForLog } from './admin-token.js';
import { UserError } from './errors.js';
import { LAUNCHER_ENV, launchedBy } from './launcher.js';
import { installSignals } from './signals.js';

export async function runGateway(o: {
  configPath: string;
  config: Config;
  version: string;
  workers: number;
  /** `--heap-growth`: applied here, and handed to every worker through the environment. */
  heapGrowthPercent: number;
}): Promise<void> {
  applyHeapGrowth(o.heapGrowthPercent);
  keepTickShape();
  const logger = createLogger(o.workers > 1 ? { base: { role: 'supervisor' } } : {});
  try {
    if (o.workers === 1) {
      const app = await startApp({ config: o.config, version: o.version, configPath: o.configPath, logger });
      installSignals(app, logger);
      logger.info(
        {
          event: 'started',
          version: o.version,
          listeners: app.listeners,
          admin: app.admin === null ? null : adminForLog(app.admin),
          heap_growth_percent: o.heapGrowthPercent,
          ...(launchedBy(process.env) ? { launcher_pid: Number(process.env[LAUNCHER_ENV]) } : {}),
          reason: 'run',
        },
        'keel is running',
      );
      return;
    }
    const primary = await startPrimary({
      configPath: o.configPath,
      config: o.config,
      version: o.version,
      logger,
      pool: new Supervisor({ workers: o.workers, logger }),
    });
    installSignals(primary, logger);
    logger.info(
      {
        event: 'started',
        version: o.version,
        workers: o.workers,
        admin: adminForLog(primary.admin),
        heap_growth_percent: o.heapGrowthPercent,
        reason: 'run',
      },
      `keel is running with ${o.workers} workers`,
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Ports taken, privileged ports, an exposed admin without a token: the user can fix these.
    if (
      e.code === 'EADDRINUSE' ||
      e.code === 'EACCES' ||
      /admin\.host|could not start|admin token file/.test(e.message)
    )
      throw new UserError(e.message);
    throw err;
  }
}
