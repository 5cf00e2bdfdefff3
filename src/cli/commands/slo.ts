import type { Command } from 'commander';

/**
 * The `keel slo` command group. Its subcommands (`rules`, `status`) live in their own files and
 * each attaches itself to this one shared parent, whichever registers first.
 */
export function sloCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'slo') ??
    program
      .command('slo')
      .description('service level objectives: Prometheus rules for a fleet, status of a gateway')
  );
}
