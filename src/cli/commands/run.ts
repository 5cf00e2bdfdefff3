/** `keel run -c FILE [--workers N] [--heap-growth P]`: the config is validated before anything starts. */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { configWarnings, formatProblem, loadConfigFile } from '../../config/index.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, gatewayExecArgv } from '../../supervisor/heap-growth.js';
import { intArg } from '../args.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';
import { inspected, launch } from '../launcher.js';

export function registerRun(program: Command): void {
  const k = keelCommand();
  program
    .command('run')
    .description('run a gateway from a YAML or JSON config file')
    .requiredOption('-c, --config <file>', 'YAML or JSON config file')
    .option('-w, --workers <n>', 'worker processes (default: one per core)', intArg(1, 1024))
    .option(
      '--heap-growth <percent>',
      `how much the V8 old generation may grow between full GCs, in % of what the last one kept; 0 = V8's own rule (default: ${DEFAULT_HEAP_GROWTH_PERCENT})`,
      intArg(0, 1000),
    )
    .addHelpText(
      'after',
      '\nSignals: SIGHUP reloads the file (an invalid one is refused; the last good config keeps serving);\n' +
        'SIGTERM/SIGINT drain in-flight requests (shutdown.drain_timeout) and exit 0.\n' +
        "As one process (--workers 1) the gateway runs as this command's child, started with node's\n" +
        '--no-memory-reducer; the command relays these signals to it and exits with its status.\n\n' +
        `Examples:\n  $ ${k} run -c keel.yaml\n  $ ${k} run -c keel.yaml --workers 1\n  $ kill -HUP <pid>   # reload the file`,
    )
    .action(async (opts: { config: string; workers?: number; heapGrowth?: number }) => {
      const workers = opts.workers ?? availableParallelism();
      const heapGrowthPercent = opts.heapGrowth ?? DEFAULT_HEAP_GROWTH_PERCENT;
      // One process needs its node options from node's command line; the gateway process started
      // with them validates the config itself (src/cli/launcher.ts).
      const execArgv = gatewayExecArgv(process.execArgv, heapGrowthPercent);
      // Windows has no signals to relay, and a detached child there gets a console of its own.
      if (workers === 1 && execArgv.length > process.execArgv.length && process.platform !== 'win32') {
        if (!inspected(process.execArgv)) return void launch(execArgv);
        process.stderr.write(
          "warning: node's inspector is on, so keel runs as this one process, without --no-memory-reducer (docs/operations.md, Heap growth)\n",
        );
      }
      const loaded = loadConfigFile(opts.config);
      if (!loaded.ok)
        throw new UserError(
          `${opts.config}: ${loaded.problems.length} problem(s); nothing started`,
          loaded.problems.map(formatProblem),
        );
      for (const w of configWarnings(loaded.config)) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      // Certificate files are checked before any worker starts (docs/tls.md, "Certificates").
      const { tlsFileProblems } = await import('../../proxy/tls/check.js');
      const files = tlsFileProblems(loaded.config, Date.now());
      if (files.length > 0)
        throw new UserError(
          `${opts.config}: ${files.length} problem(s); nothing started`,
          files.map(formatProblem),
        );
      const { runGateway } = await import('../run-gateway.js');
      await runGateway({
        configPath: opts.config,
        config: loaded.config,
        version: loaded.version,
        workers,
        heapGrowthPercent,
      });
    });
}
