/**
 * Text and files → LoadResult. YAML 1.2 (so `on`/`yes` stay strings) or JSON; syntax errors
 * become problems that name the line and column. Duplicate keys are syntax errors in both.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { Env } from './env.js';
import { unquotedFlowVariable } from './flow-variable.js';
import { findJsonError, lineColumn } from './json-position.js';
import type { ConfigProblem } from './types.js';
import { type LoadResult, validateConfig } from './validate.js';

export const FILE_PATH = '(file)';

export function parseConfig(text: string, opts: { format: 'yaml' | 'json'; env?: Env }): LoadResult {
  const parsed = opts.format === 'json' ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return validateConfig(parsed.value, opts.env ?? process.env);
}

export function loadConfigFile(path: string, env?: Env): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const hint = code === 'ENOENT' ? 'check the path given with -c' : 'check the path and its permissions';
    const message = `cannot read ${JSON.stringify(path)} (${code})`;
    return { ok: false, problems: [{ path: FILE_PATH, code: 'read_error', message, hint }] };
  }
  const ext = extname(path).toLowerCase();
  // Anything not .json is read as YAML, which also accepts most JSON.
  return parseConfig(text, { format: ext === '.json' ? 'json' : 'yaml', env: env ?? process.env });
}

type Parsed = { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] };

function syntaxProblem(kind: string, line: number, column: number, reason: string): ConfigProblem {
  return {
    path: FILE_PATH,
    code: 'parse_error',
    message: `${kind} syntax error at line ${line}, column ${column}: ${reason}`,
    hint: `fix the ${kind} syntax at ${line}:${column}`,
  };
}

function parseYaml(text: string): Parsed {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
    } catch (e) {
      // e.g. an alias bomb ("excessive alias count"): refuse it as a syntax problem.
      return { ok: false, problems: [syntaxProblem('YAML', 1, 1, (e as Error).message)] };
    }
  }
  // One cause, one line: an unquoted ${VAR} in flow style makes every later token an error.
  const flow = unquotedFlowVariable(text, doc.errors[0]!.pos[0]);
  if (flow !== null) {
    const quoted = `${flow.key === null ? '' : `${flow.key}: `}"${flow.variable}"`;
    const reason = `${flow.variable} is not quoted inside a flow mapping { } or sequence [ ], where { and } are YAML syntax`;
    const problem = syntaxProblem('YAML', flow.line, flow.column, reason);
    return { ok: false, problems: [{ ...problem, hint: `quote it: ${quoted}` }] };
  }
  const problems = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lineColumn(text, e.pos[0]);
    const at = 'col' in pos ? { line: pos.line, column: pos.col } : pos;
    const reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return syntaxProblem('YAML', at.line, at.column, reason);
  });
  return { ok: false, problems };
}

function parseJson(text: string): Parsed {
  const found = findJsonError(text);
  try {
    if (found === null) return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problems: [syntaxProblem('JSON', 1, 1, (e as Error).message)] };
  }
  const at = lineColumn(text, found.offset);
  return { ok: false, problems: [syntaxProblem('JSON', at.line, at.column, found.reason)] };
}
