/** `keel demo` and `keel demo fault`: argument parsing; the demo itself loads on demand (demo-start.ts). */
import type { Command } from 'commander';
import { intArg } from '../args.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';
import { installSignals } from '../signals.js';
import { registerFault } from './fault.js';

export function registerDemo(program: Command): void {
  const k = keelCommand();
  const demo = program
    .command('demo')
    .description('run the gateway in front of three built-in demo upstreams (app-1..3) you can break')
    .option('--port <port>', 'gateway port', intArg(0, 65535), 8080)
    .option('--admin-port <port>', 'admin server port', intArg(0, 65535), 9901)
    .option('--no-upstreams', 'do not start app-1..3; route to your own servers on 127.0.0.1:8081-8083')
    .option(
      '--traffic <rps>',
      'send this many background requests per second, for the dashboard',
      intArg(1, 50),
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} demo\n  $ ${k} demo --traffic 5          # light background traffic: the dashboard charts move\n  $ ${k} demo --port 18080 --admin-port 19901\n  $ ${k} demo fault app-2 down`,
    )
    .action(async (opts: { port: number; adminPort: number; upstreams: boolean; traffic?: number }) => {
      const { startDemo, banner } = await import('../demo-start.js');
      const d = await startDemo({
        port: opts.port,
        adminPort: opts.adminPort,
        upstreams: opts.upstreams,
        ...(opts.traffic ? { traffic: opts.traffic } : {}),
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE')
          throw new UserError(`${err.message}: a port is taken; pick others with --port/--admin-port`);
        throw err;
      });
      installSignals({ reload: (s) => d.app.reload(s), shutdown: (r) => d.close(r) }, d.app.logger);
      process.stdout.write(banner(d));
    });
  registerFault(demo);
}
