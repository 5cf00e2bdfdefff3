// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax, not a mistake
/**
 * `${VAR}` and `${VAR:-default}` in string values, expanded from the environment before the
 * schema runs (so secrets never sit in the file). `$${` is a literal `${`. Like the shell, `:-`
 * takes the default when the variable is unset or empty. Keys are never expanded.
 */

import { type PathSegment, renderPath } from './path.js';
import type { ConfigProblem } from './types.js';

export type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Substituted {
  value: unknown;
  problems: ConfigProblem[];
}

export function substituteEnv(doc: unknown, env: Env): Substituted {
  const problems: ConfigProblem[] = [];
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (typeof v === 'string') return v.includes('$') ? expand(v, env, path, problems) : v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      // fromEntries defines own properties, so a "__proto__" key stays a key (no prototype change).
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])]));
    }
    return v;
  };
  return { value: walk(doc, []), problems };
}

function expand(s: string, env: Env, path: PathSegment[], problems: ConfigProblem[]): string {
  let out = '';
  let failed = false;
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!s.startsWith('${', i)) {
      out += s[i];
      i++;
      continue;
    }
    const end = s.indexOf('}', i + 2);
    const body = end === -1 ? s.slice(i + 2) : s.slice(i + 2, end);
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (end === -1 || !NAME.test(name)) {
      const ref = end === -1 ? s.slice(i) : s.slice(i, end + 1);
      problems.push({
        path: renderPath(path),
        code: 'invalid_env_reference',
        message: `malformed reference ${JSON.stringify(ref)} in ${JSON.stringify(s)}`,
        hint: 'write ${NAME} or ${NAME:-default} (NAME: letters, digits, _), or $${ for a literal ${',
      });
      return s;
    }
    const value = env[name];
    if (sep !== -1 && (value === undefined || value === '')) out += body.slice(sep + 2);
    else if (value !== undefined) out += value;
    else {
      // Keep scanning: every missing variable in the value is reported, not just the first.
      failed = true;
      problems.push({
        path: renderPath(path),
        code: 'missing_env',
        message: `environment variable "${name}" is not set`,
        hint: `export ${name}=... or use \${${name}:-default}`,
      });
    }
    i = end + 1;
  }
  return failed ? s : out;
}
