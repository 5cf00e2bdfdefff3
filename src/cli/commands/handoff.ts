/**
 * `keel handoff`: prints the running gateway's handoff report (GET /handoff, docs/handoff.md).
 * Exit codes: 0 printed; 1 the admin API cannot be reached or refuses us (a wrong --admin URL, a
 * gateway that is not running, a missing token: all fixable by the user); 2 the admin API itself
 * failed (a 5xx or an answer that is not the report: a Keel bug).
 */
import type { Command } from 'commander';
import { fetchAdminJson } from '../admin-fetch.js';
import { urlArg } from '../args.js';
import { keelCommand } from '../command-name.js';

interface HandoffOpts {
  admin: string;
  token?: string;
}

const KEYS = ['system_health', 'current_load', 'scaling_headroom', 'active_incidents', 'recent_changes'];

export function registerHandoff(program: Command): void {
  const k = keelCommand();
  program
    .command('handoff')
    .description('print the handoff report of a running gateway: health, load, headroom, incidents, changes')
    .option('--admin <url>', 'admin server of the running gateway', urlArg, 'http://127.0.0.1:9901')
    .option('--token <token>', 'admin token (default: $KEEL_ADMIN_TOKEN)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} handoff\n  $ ${k} handoff --admin http://10.0.0.5:9901 --token "$KEEL_ADMIN_TOKEN"\n  $ ${k} handoff | jq -r .system_health\n\nThe fields and how each is derived: docs/handoff.md`,
    )
    .action(async (opts: HandoffOpts) => {
      const report = await fetchAdminJson(opts, '/handoff', 'a handoff report', isReport);
      if (report) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}

function isReport(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && KEYS.every((k) => k in v);
}
