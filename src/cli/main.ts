#!/usr/bin/env node
/** The `keel` command. Exit codes: 0 ok, 1 user error, 2 internal failure (src/cli/errors.ts). */
import { Command, CommanderError } from 'commander';
import { keelCommand } from './command-name.js';
import { registerBudget } from './commands/budget.js';
import { registerDemo } from './commands/demo.js';
import { registerHandoff } from './commands/handoff.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerSloRules } from './commands/slo-rules.js';
import { registerSloStatus } from './commands/slo-status.js';
import { registerValidate } from './commands/validate.js';
import { EXIT_INTERNAL, EXIT_USER, UserError } from './errors.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const k = keelCommand();
  const program = new Command('keel')
    .description(
      'Keel: a reliability gateway — load balancing, health checks, outlier ejection, breakers, budgeted retries',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError(true)
    .exitOverride()
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} demo                     # try it: gateway on :8080, admin on :9901\n  $ ${k} validate -c keel.yaml\n  $ ${k} run -c keel.yaml --workers 4\n  $ ${k} schema > keel.schema.json\n  $ ${k} handoff                  # health, load, incidents of a running gateway\n\nExit codes: 0 ok, 1 user error (bad arguments, invalid config, failed check), 2 internal failure.`,
    );
  registerDemo(program);
  registerRun(program);
  registerValidate(program);
  registerSchema(program);
  registerHandoff(program);
  registerBudget(program);
  registerSloRules(program);
  registerSloStatus(program);
  // exitOverride on every command, so commander errors reach main() and map to our exit codes.
  for (const c of program.commands) {
    c.exitOverride().showHelpAfterError(true);
    for (const sub of c.commands) sub.exitOverride().showHelpAfterError(true);
  }
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USER;
      return;
    }
    if (err instanceof UserError) {
      if (err.message) process.stderr.write(`error: ${err.message}\n`);
      for (const line of err.lines) process.stderr.write(`${line}\n`);
      process.exitCode = EXIT_USER;
      return;
    }
    process.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}

// A bug must not leave a half-dead process: report it and exit 2 (a supervisor restarts workers).
process.on('uncaughtException', (err) => {
  process.stderr.write(`internal error: ${err.stack ?? String(err)}\n`);
  process.exit(EXIT_INTERNAL);
});

void main();
