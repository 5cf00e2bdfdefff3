/**
 * `admin: { token: ${X} }` is not YAML: inside a flow mapping or sequence, `{` and `}` are
 * syntax even after `$`, so the parser reports a cascade of errors (thirty and more in a small
 * file) about the tokens that follow. The `${VAR}` substitution (docs/configuration.md,
 * "Environment variables") runs on parsed values, so the variable must be quoted to reach it:
 * `token: "${X}"`. This finds that mistake so the loader can report it as one problem.
 */

export interface FlowVariable {
  line: number; // 1-based
  column: number; // 1-based
  /** The variable as written, e.g. "${X}". */
  variable: string;
  /** The mapping key before it on its line, when there is one ("token"). */
  key: string | null;
}

/**
 * The first `${` outside quotes and comments that sits inside a flow collection, at or before
 * `until` (the offset of the parser's first error); null when there is none.
 */
export function unquotedFlowVariable(text: string, until: number): FlowVariable | null {
  const end = text.indexOf('\n', until) === -1 ? text.length : text.indexOf('\n', until);
  let depth = 0;
  let quote: "'" | '"' | null = null;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      if (quote === null) continue;
    }
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = null;
      continue;
    }
    if (quote === "'") {
      if (c === "'" && text[i + 1] === "'") i++;
      else if (c === "'") quote = null;
      continue;
    }
    const before = i === lineStart ? ' ' : text[i - 1]!;
    if (c === '#' && /\s/.test(before)) {
      const nl = text.indexOf('\n', i);
      i = (nl === -1 ? text.length : nl) - 1;
    } else if ((c === '"' || c === "'") && /[\s:,[{-]/.test(before)) quote = c;
    else if (c === '$' && text[i + 1] === '{' && depth > 0) {
      const variable = /^\$\{[^}\s,\]]*\}?/.exec(text.slice(i))![0];
      const key = /([A-Za-z_][\w-]*)\s*:\s*$/.exec(text.slice(lineStart, i))?.[1] ?? null;
      return { line, column: i - lineStart + 1, variable, key };
    } else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
  }
  return null;
}
