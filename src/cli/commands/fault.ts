/** `keel demo fault NAME MODE`: tells a running demo's upstream to fail, through the admin API. */
import type { Command } from 'commander';
import { FAULT_MODES, parseFault } from '../../demo/fault.js';
import { adminToken } from '../admin-token.js';
import { intArg, rateArg, urlArg } from '../args.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';
import { faultArgsProblem } from '../fault-args.js';

interface FaultOpts {
  latencyMs?: number;
  errorRate?: number;
  path?: string;
  admin: string;
  token?: string;
}

export function registerFault(demo: Command): void {
  const k = keelCommand();
  demo
    .command('fault')
    .description(`make a demo upstream fail: MODE is ${FAULT_MODES.join(' | ')}`)
    .argument('<name>', 'upstream name: app-1, app-2 or app-3')
    .argument('<mode>', FAULT_MODES.join(' | '))
    .option('--latency-ms <ms>', 'added latency (slow defaults to 2000)', intArg(0, 600_000))
    .option('--error-rate <rate>', 'share of 500 answers in errors mode, 0..1 (default 1)', rateArg)
    .option(
      '--path <prefix>',
      'only requests under this path prefix meet a slow or errors fault (e.g. /broken)',
    )
    .option('--admin <url>', 'admin server of the running demo', urlArg, 'http://127.0.0.1:9901')
    .option(
      '--token <token>',
      'admin token (default: $KEEL_ADMIN_TOKEN, else the token file of a Keel on this machine)',
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} demo fault app-2 down\n  $ ${k} demo fault app-3 slow --latency-ms 1500\n  $ ${k} demo fault app-1 errors --error-rate 0.3\n  $ ${k} demo fault app-1 errors --error-rate 1 --path /broken\n  $ ${k} demo fault app-2 ok`,
    )
    .action(async (name: string, mode: string, opts: FaultOpts, cmd: Command) => {
      const usage = faultArgsProblem(name, mode);
      if (usage) cmd.error(`error: ${usage}`);
      const body = { mode, latency_ms: opts.latencyMs, error_rate: opts.errorRate, path_prefix: opts.path };
      const parsed = parseFault(body);
      if (!parsed.ok) throw new UserError(parsed.message);
      const token = adminToken(opts.admin, opts.token);
      const url = `${opts.admin}/api/v1/demo/upstreams/${encodeURIComponent(name)}/fault`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        throw new UserError(
          `cannot reach the admin API at ${opts.admin} (${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}); is \`${k} demo\` running?`,
        );
      }
      const text = await res.text();
      if (!res.ok) {
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        } catch {
          // not JSON: print as is
        }
        throw new UserError(`admin API answered ${res.status}: ${message}`);
      }
      const f = parsed.fault;
      const extra = f.mode === 'slow' || f.latency_ms > 0 ? ` latency_ms=${f.latency_ms}` : '';
      const rate = f.mode === 'errors' ? ` error_rate=${f.error_rate}` : '';
      const path = f.path_prefix === undefined ? '' : ` path_prefix=${f.path_prefix}`;
      process.stdout.write(`${name}: ${f.mode}${extra}${rate}${path}\n`);
    });
}
