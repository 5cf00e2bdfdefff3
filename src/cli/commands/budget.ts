/**
 * `keel budget --objective 99.9 --window 30d [--requests N] [--json]`: the error budget in time
 * and in requests, and what each default alert tier's burn rate means (docs/slo-rules.md).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { decimalPlaces, OBJECTIVE_PLACES } from '../../config/schema-slo.js';
import { objectiveWarning } from '../../config/warnings.js';
import { budgetFor, defaultTiers, tierTable } from '../../slo/budget-math.js';
import { formatSpan, parseWindow } from '../../slo/span.js';
import { keelCommand } from '../command-name.js';
import { budgetJson, budgetText } from './budget-report.js';

interface BudgetOpts {
  objective: number;
  window: number;
  requests?: number;
  json?: boolean;
}

/**
 * Plain decimal only: Number() would take "0x10" as 16, "1e2" as 100 and " " as 0, and a typo
 * must be a usage error, never a different objective.
 */
const DECIMAL = /^\d+(?:\.\d+)?$/;

function objectiveArg(value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || !(n > 0 && n < 100) || decimalPlaces(n) > OBJECTIVE_PLACES) {
    throw new InvalidArgumentError(
      `expected a percentage between 0 and 100 (exclusive) in plain decimal with at most ${OBJECTIVE_PLACES} decimal places, e.g. 99.9, got "${value}"`,
    );
  }
  return n;
}

function windowArg(value: string): number {
  const ms = parseWindow(value);
  if (ms === null)
    throw new InvalidArgumentError(`expected a window like 30d, 28d, 7d or 4w, got "${value}"`);
  return ms;
}

function requestsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number of requests, got "${value}"`);
  }
  return n;
}

export function registerBudget(program: Command): void {
  const k = keelCommand();
  program
    .command('budget')
    .description('error-budget arithmetic: the budget in time and requests, and the burn-rate alert tiers')
    .requiredOption('--objective <percent>', 'SLO objective in percent, e.g. 99.9', objectiveArg)
    .addOption(
      new Option('--window <window>', 'SLO window: 30d, 28d, 7d, 4w, ... (at least the longest tier, 3d)')
        .argParser(windowArg)
        .default(30 * 86_400_000, '30d'),
    )
    .option('--requests <n>', 'requests expected in the window: prints how many may fail', requestsArg)
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} budget --objective 99.9 --window 30d\n  $ ${k} budget --objective 99.95 --window 28d --requests 50000000 --json\n\nExit codes: 0 printed, 1 bad arguments.`,
    )
    .action((opts: BudgetOpts, cmd: Command) => {
      const tiers = defaultTiers(opts.window);
      // A tier judges its long window against the SLO window's budget: a window shorter than the
      // longest tier's long window has no meaning (the config refuses it the same way).
      const longest = tiers.reduce((a, t) => (t.long_window > a.long_window ? t : a));
      if (opts.window < longest.long_window)
        cmd.error(
          `error: --window ${formatSpan(opts.window)} is shorter than the ${longest.name} alert tier's long window (${formatSpan(longest.long_window)}); use --window ${formatSpan(longest.long_window)} or longer (30d is usual)`,
        );
      const fraction = objectiveWarning(opts.objective, (v) => `--objective ${v}`);
      if (fraction !== null)
        process.stderr.write(`warning: --objective ${fraction.message}; fix: ${fraction.hint}\n`);
      const budget = budgetFor(opts.objective, opts.window, opts.requests);
      const rows = tierTable(budget, tiers);
      const out = opts.json
        ? `${JSON.stringify(budgetJson(budget, rows, opts.requests), null, 2)}\n`
        : budgetText(budget, rows, opts.requests);
      process.stdout.write(out);
    });
}
