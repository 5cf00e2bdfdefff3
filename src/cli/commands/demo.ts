/** `keel demo` and `keel demo fault`: argument parsing; the demo itself loads on demand (demo-start.ts). */
import type { Command } from 'commander';
import { DEMO_PORTS } from '../../demo/fleet.js';
import { intArg, portsArg } from '../args.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';
import { installSignals } from '../signals.js';
import { registerFault } from './fault.js';

interface DemoOpts {
  port: number;
  adminPort: number;
  upstreamPorts: number[];
  upstreams: boolean;
  traffic?: number;
}

export function registerDemo(program: Command): void {
  const k = keelCommand();
  const demo = program
    .command('demo')
    .description('run the gateway in front of three built-in demo upstreams (app-1..3) you can break')
    .option('--port <port>', 'gateway port', intArg(0, 65535), 8080)
    .option('--admin-port <port>', 'admin server port', intArg(0, 65535), 9901)
    .option(
      '--upstream-ports <ports>',
      'ports of app-1,app-2,app-3 (0 = any free port)',
      portsArg(DEMO_PORTS.length),
      [...DEMO_PORTS],
    )
    .option('--no-upstreams', 'do not start app-1..3; route to your own servers on the upstream ports')
    .option(
      '--traffic <rps>',
      'send this many background requests per second, for the dashboard',
      intArg(1, 50),
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} demo\n  $ ${k} demo --traffic 5          # light background traffic: the dashboard charts move\n  $ ${k} demo --port 18080 --admin-port 19901 --upstream-ports 18081,18082,18083\n  $ ${k} demo fault app-2 down`,
    )
    .action(async (opts: DemoOpts) => {
      const { startDemo, banner, portInUseHint } = await import('../demo-start.js');
      const d = await startDemo({
        port: opts.port,
        adminPort: opts.adminPort,
        upstreams: opts.upstreams,
        upstreamPorts: opts.upstreamPorts,
        ...(opts.traffic ? { traffic: opts.traffic } : {}),
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new UserError(`${err.message}: ${portInUseHint(err, opts)}`);
        throw err;
      });
      installSignals({ reload: (s) => d.app.reload(s), shutdown: (r) => d.close(r) }, d.app.logger);
      process.stdout.write(banner(d));
    });
  registerFault(demo);
}
