/**
 * `keel slo rules -c FILE [-o FILE]`: the config's SLOs as Prometheus recording and alerting rules
 * over Keel's own metrics (docs/slo-rules.md). Exit codes: 0 written; 1 an invalid or unreadable
 * config, a config without SLOs, an unwritable output file.
 */
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { formatProblem, loadConfigFile } from '../../config/index.js';
import { rulesYaml } from '../../slo/rules/index.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';
import { sloCommand } from './slo.js';

interface RulesOpts {
  config: string;
  output?: string;
  selector: string;
}

/** Label matchers without the braces, e.g. job="keel",cluster="eu". */
function selectorArg(value: string): string {
  const v = value.trim();
  if (!/^[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*".*"$/.test(v) || /[{}]/.test(v)) {
    throw new InvalidArgumentError(
      `expected label matchers without braces, e.g. job="keel", got ${JSON.stringify(value)}`,
    );
  }
  return v;
}

export function registerSloRules(program: Command): void {
  const k = keelCommand();
  sloCommand(program)
    .command('rules')
    .description(
      "write Prometheus recording and alerting rules for the config's SLOs (fleet-wide burn-rate alerts)",
    )
    .requiredOption('-c, --config <file>', 'YAML or JSON config file')
    .option('-o, --output <file>', 'write the rules here instead of stdout')
    .option(
      '--selector <matchers>',
      'label matchers added to every selector, e.g. job="keel"',
      selectorArg,
      '',
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} slo rules -c keel.yaml -o keel-slo.rules.yml && promtool check rules keel-slo.rules.yml\n  $ ${k} slo rules -c keel.yaml --selector 'job="keel"'\n\nExit codes: 0 written, 1 invalid config, no SLOs, or unwritable output.`,
    )
    .action((opts: RulesOpts) => {
      const r = loadConfigFile(opts.config);
      if (!r.ok) throw new UserError('', r.problems.map(formatProblem));
      if (r.config.slos.length === 0) {
        throw new UserError(`${opts.config} declares no slos: there are no rules to write`, [
          'hint: add an slos: section (docs/slo-rules.md)',
        ]);
      }
      const text = rulesYaml(r.config.slos, { selector: opts.selector });
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(opts.output, text);
      } catch (err) {
        throw new UserError(`cannot write ${opts.output}: ${(err as Error).message}`);
      }
      process.stderr.write(`wrote ${r.config.slos.length} SLO rule group(s) to ${opts.output}\n`);
    });
}
