/**
 * `keel slo status [--admin URL] [--token T] [--json]`: each SLO of a running gateway (GET
 * /api/v1/slos, docs/slo-runtime.md) as a table — SLI, budget left, burn rates, alerts firing —
 * or the API's JSON. Exit codes as `keel handoff`: 0 printed; 1 the admin API cannot be reached
 * or refuses us (fixable by the user); 2 it answered something that is not the status (a bug).
 */
import type { Command } from 'commander';
import type { SlosResponse } from '../../admin/slo-route.js';
import { fetchAdminJson } from '../admin-fetch.js';
import { urlArg } from '../args.js';
import { keelCommand } from '../command-name.js';
import { sloCommand } from './slo.js';
import { sloTable } from './slo-table.js';

interface StatusOpts {
  admin: string;
  token?: string;
  json?: boolean;
}

export function registerSloStatus(program: Command): void {
  const k = keelCommand();
  sloCommand(program)
    .command('status')
    .description("each SLO's SLI, budget left, burn rates and firing alerts, from a running gateway")
    .option('--admin <url>', 'admin server of the running gateway', urlArg, 'http://127.0.0.1:9901')
    .option('--token <token>', 'admin token (default: $KEEL_ADMIN_TOKEN)')
    .option('--json', 'print the admin API JSON (GET /api/v1/slos) instead of a table')
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} slo status\n  $ ${k} slo status --admin http://10.0.0.5:9901 --json | jq '.slos[].budget'\n\nThe fields: docs/slo-runtime.md`,
    )
    .action(async (opts: StatusOpts) => {
      const body = await fetchAdminJson(opts, '/api/v1/slos', 'the SLO status', isSlos);
      if (body) process.stdout.write(opts.json ? `${JSON.stringify(body, null, 2)}\n` : sloTable(body));
    });
}

function isSlos(v: unknown): v is SlosResponse {
  return typeof v === 'object' && v !== null && Array.isArray((v as Partial<SlosResponse>).slos);
}
