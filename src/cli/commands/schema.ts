import type { Command } from 'commander';
import { configJsonSchema } from '../../config/index.js';
import { keelCommand } from '../command-name.js';

export function registerSchema(program: Command): void {
  const k = keelCommand();
  program
    .command('schema')
    .description("print the config file's JSON Schema (for editors and CI)")
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${k} schema > keel.schema.json\n  # then in keel.yaml:  # yaml-language-server: $schema=./keel.schema.json`,
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
