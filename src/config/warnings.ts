/**
 * What is valid but almost surely not meant: reported as warnings (`keel validate` and `keel run`
 * print them and go on), never refused.
 *
 * Objectives are percentages (docs/slo.md). Below 1 the value reads as a fraction: 0.999 is
 * 0.999 % good, a budget of 99 % of requests, where 99.9 % was meant. No real SLO promises less
 * than one good event in a hundred, so that is where the warning starts; from 1 up the number is
 * taken at its word (a 50 % latency objective is a median and may well be meant).
 */
import { renderPath } from './path.js';
import type { Config, ConfigProblem } from './types.js';

const FRACTION_BELOW = 1;

/**
 * Message and fix for an objective that looks like a fraction; null otherwise. `spell` writes an
 * objective the way the user gives one (`objective: 99.9`, `--objective 99.9`).
 */
export function objectiveWarning(
  objective: number,
  spell: (v: number) => string = (v) => `objective: ${v}`,
): { message: string; hint: string } | null {
  if (!(objective > 0 && objective < FRACTION_BELOW)) return null;
  const meant = Number((objective * 100).toPrecision(12));
  return {
    message: `${objective} means ${objective} % good, not ${meant} %: objectives are percentages`,
    hint: `write ${spell(meant)} for ${meant} %, or keep ${objective} only if less than 1 % good is meant`,
  };
}

export function configWarnings(config: Config): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  config.slos.forEach((slo, i) => {
    const w = objectiveWarning(slo.objective);
    if (w !== null)
      out.push({ path: renderPath(['slos', i, 'objective']), code: 'objective_fraction', ...w });
  });
  return out;
}
