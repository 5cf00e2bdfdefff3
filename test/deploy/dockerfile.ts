/**
 * A reader for the subset of the Dockerfile format the repository's Dockerfile uses
 * (https://docs.docker.com/reference/dockerfile/): instructions with `\` continuations, `#`
 * comments, stages named by `FROM image AS name`, `--flag=value` options and exec-form arrays.
 * An instruction it does not know is an error, so nothing is silently skipped by the tests.
 */

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, … */
  op: string;
  /** The text after the instruction word, continuations joined. */
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  image: string;
  steps: Instruction[];
}

const KNOWN = new Set([
  'FROM',
  'WORKDIR',
  'COPY',
  'RUN',
  'ENV',
  'USER',
  'EXPOSE',
  'VOLUME',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'ENTRYPOINT',
  'CMD',
]);

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!.trim();
      if (next.startsWith('#')) continue; // a comment inside a continued instruction
      line = `${line.slice(0, -1).trimEnd()} ${next}`;
    }
    const m = /^(\w+)\s+(.*)$/s.exec(line);
    if (!m) throw new Error(`Dockerfile:${start}: cannot read "${line}"`);
    const op = m[1]!.toUpperCase();
    if (!KNOWN.has(op)) throw new Error(`Dockerfile:${start}: ${op} is not supported by this reader`);
    const step = { op, args: m[2]!.trim(), line: start };
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(step.args);
      if (!f) throw new Error(`Dockerfile:${start}: cannot read FROM "${step.args}"`);
      stages.push({ image: f[1]!, name: f[2] ?? String(stages.length), steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile:${start}: ${op} before FROM`);
    stage.steps.push(step);
  }
  return stages;
}

/** `--from=build --chown=a:b src dest` → the flags and the remaining words. */
export function splitFlags(args: string): { flags: Record<string, string>; words: string[] } {
  const flags: Record<string, string> = {};
  const words: string[] = [];
  for (const w of args.split(/\s+/)) {
    const f = /^--([\w-]+)=(.*)$/.exec(w);
    if (f && words.length === 0) flags[f[1]!] = f[2]!;
    else words.push(w);
  }
  return { flags, words };
}

/** An exec-form array (`["node", "x.js"]`), or null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  const v = JSON.parse(args) as unknown;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null;
  return v;
}

/** HEALTHCHECK [--interval=… …] CMD … → its options and the command in exec form. */
export function healthcheck(args: string): { options: Record<string, string>; command: string[] | null } {
  const m = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(args);
  if (!m) throw new Error(`cannot read HEALTHCHECK "${args}"`);
  return { options: splitFlags(m[1]!.trim()).flags, command: execForm(m[2]!.trim()) };
}

/** The last value of an instruction in a stage (ENTRYPOINT, CMD, USER: the last one wins). */
export function last(stage: Stage, op: string): string | undefined {
  return stage.steps.filter((s) => s.op === op).at(-1)?.args;
}
