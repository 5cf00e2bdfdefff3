// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${VAR}" names the config syntax
/** Ordering and de-duplication of the collected problems. */
import { renderPath } from './path.js';
import { SECTION_NAMES, type SectionName } from './schema.js';
import type { ConfigProblem } from './types.js';

/** Problems sorted as the sections come (stable): listeners, admin, …, pools by key, routes by index. */
export function inFileOrder(problems: ConfigProblem[], poolNames: string[]): ConfigProblem[] {
  const rank = (p: ConfigProblem): number[] => {
    const section = SECTION_NAMES.indexOf(/^[A-Za-z_]+/.exec(p.path)?.[0] as SectionName);
    const route = /^routes\[(\d+)\]/.exec(p.path);
    const pool = poolNames.findIndex((n) => p.path.startsWith(renderPath(['pools', n])));
    return [section === -1 ? -1 : section, route ? Number(route[1]) : pool];
  };
  const keyed = problems.map((p, i) => ({ p, i, r: rank(p) }));
  keyed.sort((a, b) => a.r[0]! - b.r[0]! || a.r[1]! - b.r[1]! || a.i - b.i);
  return keyed.map((k) => k.p);
}

/** A missing variable leaves "${VAR}" in place; do not also report that text as a bad value. */
export function withoutEnvEchoes(problems: ConfigProblem[], envProblems: ConfigProblem[]): ConfigProblem[] {
  const paths = envProblems.map((p) => p.path);
  return problems.filter(
    (p) => !paths.some((e) => p.path === e || p.path.startsWith(`${e}.`) || p.path.startsWith(`${e}[`)),
  );
}
