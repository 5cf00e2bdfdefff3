/**
 * `keel budget --objective 99.9 --window 30d [--requests N] [--json]`: the error budget in time
 * and in requests, and what each default alert tier's burn rate means (docs/slo-rules.md).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { budgetFor, defaultTiers, tierTable } from '../../slo/budget-math.js';
import { parseWindow } from '../../slo/span.js';
import { budgetJson, budgetText } from './budget-report.js';

interface BudgetOpts {
  objective: number;
  window: number;
  requests?: number;
  json?: boolean;
}

function objectiveArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 100)) {
    throw new InvalidArgumentError(
      `expected a percentage between 0 and 100 (exclusive), e.g. 99.9, got "${value}"`,
    );
  }
  return n;
}

function windowArg(value: string): number {
  const ms = parseWindow(value);
  if (ms === null)
    throw new InvalidArgumentError(`expected a window like 30d, 28d, 7d, 4w or 12h, got "${value}"`);
  return ms;
}

function requestsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number of requests, got "${value}"`);
  }
  return n;
}

export function registerBudget(program: Command): void {
  program
    .command('budget')
    .description('error-budget arithmetic: the budget in time and requests, and the burn-rate alert tiers')
    .requiredOption('--objective <percent>', 'SLO objective in percent, e.g. 99.9', objectiveArg)
    .addOption(
      new Option('--window <window>', 'SLO window: 30d, 28d, 7d, 4w, ...')
        .argParser(windowArg)
        .default(30 * 86_400_000, '30d'),
    )
    .option('--requests <n>', 'requests expected in the window: prints how many may fail', requestsArg)
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      '\nExamples:\n  $ keel budget --objective 99.9 --window 30d\n  $ keel budget --objective 99.95 --window 28d --requests 50000000 --json\n\nExit codes: 0 printed, 1 bad arguments.',
    )
    .action((opts: BudgetOpts) => {
      const budget = budgetFor(opts.objective, opts.window, opts.requests);
      const rows = tierTable(budget, defaultTiers(opts.window));
      const out = opts.json
        ? `${JSON.stringify(budgetJson(budget, rows, opts.requests), null, 2)}\n`
        : budgetText(budget, rows, opts.requests);
      process.stdout.write(out);
    });
}
