/**
 * `keel handoff`: prints the running gateway's handoff report (GET /handoff, docs/handoff.md).
 * Exit codes: 0 printed; 1 the admin API cannot be reached or refuses us (a wrong --admin URL, a
 * gateway that is not running, a missing token: all fixable by the user); 2 the admin API itself
 * failed (a 5xx or an answer that is not the report: a Keel bug).
 */
import type { Command } from 'commander';
import { urlArg } from '../args.js';
import { EXIT_INTERNAL, UserError } from '../errors.js';

interface HandoffOpts {
  admin: string;
  token?: string;
}

const KEYS = ['system_health', 'current_load', 'scaling_headroom', 'active_incidents', 'recent_changes'];

export function registerHandoff(program: Command): void {
  program
    .command('handoff')
    .description('print the handoff report of a running gateway: health, load, headroom, incidents, changes')
    .option('--admin <url>', 'admin server of the running gateway', urlArg, 'http://127.0.0.1:9901')
    .option('--token <token>', 'admin token (default: $KEEL_ADMIN_TOKEN)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ keel handoff\n  $ keel handoff --admin http://10.0.0.5:9901 --token "$KEEL_ADMIN_TOKEN"\n  $ keel handoff | jq -r .system_health\n\nThe fields and how each is derived: docs/handoff.md',
    )
    .action(async (opts: HandoffOpts) => {
      const token = opts.token ?? process.env.KEEL_ADMIN_TOKEN;
      let res: Response;
      try {
        res = await fetch(`${opts.admin}/handoff`, {
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
      const report = res.ok ? parse(text) : null;
      if (!report || !KEYS.every((k) => k in report)) {
        process.stderr.write(
          `error: the admin API at ${opts.admin} answered ${res.status} without a handoff report: ${errorMessage(text).slice(0, 200)}\n`,
        );
        process.exitCode = EXIT_INTERNAL;
        return;
      }
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function errorMessage(text: string): string {
  const body = parse(text) as { error?: { message?: string } } | null;
  return body?.error?.message ?? text;
}
