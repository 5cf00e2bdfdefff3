import type { Command } from 'commander';
import { configWarnings, formatProblem, loadConfigFile } from '../../config/index.js';
import { tlsFileProblems } from '../../proxy/tls/check.js';
import { keelCommand } from '../command-name.js';
import { UserError } from '../errors.js';

export function registerValidate(program: Command): void {
  const k = keelCommand();
  program
    .command('validate')
    .description('check a config file: prints "ok" or one line per problem (path, what is wrong, how to fix)')
    .requiredOption('-c, --config <file>', 'YAML or JSON config file')
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} validate -c keel.yaml\n  $ ${k} validate -c keel.json && ${k} run -c keel.json\n\nExit codes: 0 valid (warnings, if any, on stderr), 1 invalid or unreadable.`,
    )
    .action((opts: { config: string }) => {
      const r = loadConfigFile(opts.config);
      if (!r.ok) throw new UserError('', r.problems.map(formatProblem)); // exactly one line per problem
      for (const w of configWarnings(r.config)) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      // The certificate files, checked as `keel run` will (docs/tls.md, "Certificates").
      const files = tlsFileProblems(r.config, Date.now());
      if (files.length > 0) throw new UserError('', files.map(formatProblem));
      process.stdout.write(`ok: ${opts.config} (version ${r.version})\n`);
    });
}
