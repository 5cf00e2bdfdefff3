/**
 * Zod issues → ConfigProblems: each names its path, quotes the value received and says what
 * would be valid (docs/architecture.md, "Config at the boundary"). Messages are ours, not zod's,
 * so they read the same everywhere. A value at a secret's path (a token, a key, a password, a
 * header value) is described, never quoted: problems reach the admin API's 422 answer and the log.
 */
import type { z } from 'zod';
import { kindOf, type PathSegment, describeValue as quote, renderPath } from './path.js';
import type { KeelIssueParams } from './schema-common.js';
import { keysAt } from './schema-walk.js';
import { didYouMean, listOf } from './suggest.js';
import type { ConfigProblem } from './types.js';

type Issue = z.core.$ZodIssue;

export function issuesToProblems(issues: readonly Issue[], prefix: PathSegment[], schema: z.core.$ZodType) {
  const out: ConfigProblem[] = [];
  for (const issue of issues) convert(issue, prefix, schema, out);
  return out;
}

function convert(issue: Issue, prefix: PathSegment[], schema: z.core.$ZodType, out: ConfigProblem[]) {
  const rel = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const full = [...prefix, ...rel];
  const at = renderPath(full);
  const secret = isSecretPath(full);
  const describeValue = (v: unknown): string => (secret ? describeSecret(v) : quote(v));
  const received = (v: unknown): string => (secret ? describeSecret(v) : receivedValue(v));
  const input = issue.input;
  const push = (code: string, message: string, hint: string): void => {
    out.push({ path: at, code, message, hint });
  };
  switch (issue.code) {
    case 'invalid_type': {
      const exp = expectedName(issue.expected);
      if (input === undefined)
        return push('required', `is missing; expected ${exp}`, `add ${lastKey(full)} (${exp})`);
      const numeric = typeof input === 'string' && /^-?\d+(\.\d+)?$/.test(input) && exp.includes('number');
      const hint = numeric ? 'remove the quotes: write the number bare' : `write ${exp} here`;
      return push('invalid_type', `expected ${exp}, received ${received(input)}`, hint);
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small
        ? (issue as { minimum: number | bigint }).minimum
        : (issue as { maximum: number | bigint }).maximum;
      const op = `${small ? '>' : '<'}${issue.inclusive ? '=' : ''} ${limit}`;
      if (issue.origin === 'array') {
        const what = `${Array.isArray(input) ? input.length : 0} item(s)`;
        return push(
          issue.code,
          `has ${what}; expected ${small ? 'at least' : 'at most'} ${limit}`,
          'add items',
        );
      }
      if (issue.origin === 'string' && small)
        return push('too_small', 'must not be empty', 'write a non-empty string');
      return push(
        issue.code,
        `${describeValue(input)} is too ${small ? 'small' : 'big'}; expected ${op}`,
        `use a value ${op}`,
      );
    }
    case 'invalid_value': {
      const valid = issue.values.map(String);
      const hint = `${secret ? '' : didYouMean(String(input), valid)}use one of: ${listOf(valid)}`;
      return push(
        'invalid_value',
        `${describeValue(input)} is not valid; expected one of: ${listOf(valid)}`,
        hint,
      );
    }
    case 'invalid_format':
      return push(
        'invalid_format',
        `${describeValue(input)} is not valid; expected ${issue.message}`,
        `use ${issue.message}`,
      );
    case 'unrecognized_keys': {
      const known = keysAt(schema, rel);
      for (const key of issue.keys) {
        const hint = `${didYouMean(key, known)}valid keys here: ${listOf(known)}`;
        out.push({
          path: renderPath([...full, key]),
          code: 'unknown_key',
          message: `unknown key "${key}"`,
          hint,
        });
      }
      return;
    }
    case 'invalid_union':
      return union(issue.errors, full, schema, prefix, input, push, out);
    case 'invalid_key': {
      const rule = issue.issues[0]?.message ?? 'a valid name';
      return push('invalid_name', `${describeValue(lastKey(full))} is not a valid name`, `use ${rule}`);
    }
    case 'custom': {
      // A plain .refine(check, rule): its message is the rule ("an IP address or CIDR").
      if (issue.params === undefined)
        return push(
          'invalid_value',
          `${describeValue(input)} is not valid; expected ${issue.message}`,
          `use ${issue.message}`,
        );
      const params = issue.params as KeelIssueParams | undefined;
      return push(params?.keelCode ?? 'invalid', issue.message, params?.hint ?? 'see docs/configuration.md');
    }
    default:
      return push(
        issue.code,
        `${describeValue(input)} is not valid (${issue.message})`,
        'see docs/configuration.md',
      );
  }
}

/** A union failed: if exactly one branch fits the value's type, report that branch's issues. */
function union(
  branches: Issue[][],
  full: PathSegment[],
  schema: z.core.$ZodType,
  prefix: PathSegment[],
  input: unknown,
  push: (code: string, message: string, hint: string) => void,
  out: ConfigProblem[],
): void {
  const fitting = branches.filter((b) => !b.every((i) => i.path.length === 0 && i.code === 'invalid_type'));
  if (fitting.length >= 1) {
    const inner = full.slice(prefix.length);
    for (const i of fitting[0]!) convert({ ...i, path: [...inner, ...i.path] } as Issue, prefix, schema, out);
    return;
  }
  const expected = branches.flatMap((b) =>
    b.map((i) => (i.code === 'invalid_type' ? expectedName(i.expected) : '')),
  );
  const exp = [...new Set(expected.filter((e) => e !== ''))].join(' or ');
  const got = isSecretPath(full) ? describeSecret(input) : receivedValue(input);
  push('invalid_type', `expected ${exp}, received ${got}`, `write ${exp} here`);
}

function expectedName(e: string): string {
  if (e === 'int') return 'an integer';
  if (e === 'object' || e === 'array') return `an ${e}`;
  return `a ${e}`;
}

function receivedValue(v: unknown): string {
  if (v === null || Array.isArray(v) || typeof v === 'object') return quote(v);
  return `${kindOf(v)} ${quote(v)}`;
}

const SECRET_KEY =
  /^(token|key|secret|password|passwd|credentials?|api_key|routing_key)$|_(token|secret|password)$/i;

/** A path whose value may be a secret: a token or key field, or any value under a `headers` map. */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg !== 'string') continue;
    if (SECRET_KEY.test(seg)) return true;
    if (seg === 'headers' && i < path.length - 1) return true;
  }
  return false;
}

/** What a secret's value is, without any of it: "a number", "a string of 12 characters". */
function describeSecret(v: unknown): string {
  if (typeof v === 'string') return `a string of ${v.length} characters (not shown: it may be a secret)`;
  if (v === null || v === undefined) return quote(v);
  return `${/^[aeiou]/.test(kindOf(v)) ? 'an' : 'a'} ${kindOf(v)} (not shown: it may be a secret)`;
}

function lastKey(path: PathSegment[]): string {
  const k = path[path.length - 1];
  return k === undefined ? 'the config' : String(k);
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.path}: ${p.message}; fix: ${p.hint}`;
}
