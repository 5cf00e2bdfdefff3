/**
 * `keel slo status [--admin URL] [--token T] [--json]`: each SLO of a running gateway (GET
 * /api/v1/slos, docs/slo-runtime.md) as a table — SLI, budget left, burn rates, alerts firing —
 * or the API's JSON. Exit codes as `keel handoff`: 0 printed; 1 the admin API cannot be reached
 * or refuses us (fixable by the user); 2 it answered something that is not the status (a bug).
 */
import type { Command } from 'commander';
import type { SlosResponse } from '../../admin/slo-route.js';
import { urlArg } from '../args.js';
import { EXIT_INTERNAL, UserError } from '../errors.js';
import { sloCommand } from './slo.js';
import { sloTable } from './slo-table.js';

interface StatusOpts {
  admin: string;
  token?: string;
  json?: boolean;
}

export function registerSloStatus(program: Command): void {
  sloCommand(program)
    .command('status')
    .description("each SLO's SLI, budget left, burn rates and firing alerts, from a running gateway")
    .option('--admin <url>', 'admin server of the running gateway', urlArg, 'http://127.0.0.1:9901')
    .option('--token <token>', 'admin token (default: $KEEL_ADMIN_TOKEN)')
    .option('--json', 'print the admin API JSON (GET /api/v1/slos) instead of a table')
    .addHelpText(
      'after',
      "\nExamples:\n  $ keel slo status\n  $ keel slo status --admin http://10.0.0.5:9901 --json | jq '.slos[].budget'\n\nThe fields: docs/slo-runtime.md",
    )
    .action(async (opts: StatusOpts) => {
      const token = opts.token ?? process.env.KEEL_ADMIN_TOKEN;
      let res: Response;
      try {
        res = await fetch(`${opts.admin}/api/v1/slos`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        const why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
        throw new UserError(
          `cannot reach the admin API at ${opts.admin} (${why}); is the gateway running, and is --admin right?`,
        );
      }
      const text = await res.text();
      if (res.status >= 400 && res.status < 500) {
        const hint = res.status === 401 ? ' (pass --token or set KEEL_ADMIN_TOKEN)' : '';
        throw new UserError(`admin API answered ${res.status}: ${errorMessage(text)}${hint}`);
      }
      const body = res.ok ? parse(text) : null;
      if (!body) {
        process.stderr.write(
          `error: the admin API at ${opts.admin} answered ${res.status} without the SLO status: ${text.slice(0, 200)}\n`,
        );
        process.exitCode = EXIT_INTERNAL;
        return;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(body, null, 2)}\n` : sloTable(body));
    });
}

function parse(text: string): SlosResponse | null {
  try {
    const v = JSON.parse(text) as Partial<SlosResponse> | null;
    return v && Array.isArray(v.slos) ? (v as SlosResponse) : null;
  } catch {
    return null;
  }
}

function errorMessage(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text;
  }
}
