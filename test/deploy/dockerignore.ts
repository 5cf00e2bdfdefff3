/**
 * The build context `docker build .` sends: the directory minus what .dockerignore excludes
 * (https://docs.docker.com/build/concepts/context/#dockerignore-files). Patterns are matched
 * against paths relative to the context root; `*` and `?` stay within one path segment, `**`
 * spans any number; a pattern that matches a directory excludes everything below it; `!`
 * re-includes; the last matching line decides.
 */
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Rule {
  re: RegExp;
  include: boolean;
  text: string;
}

export function readIgnore(text: string): Rule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const include = l.startsWith('!');
      const text = (include ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { re: patternRe(text), include, text };
    });
}

function patternRe(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += p[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A match on a directory covers everything below it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

export function excluded(rules: readonly Rule[], rel: string): boolean {
  let out = false;
  for (const r of rules) if (r.re.test(rel)) out = !r.include;
  return out;
}

/** Copies the context of `root` into `dest` (symbolic links stay links, as Docker sends them). */
export function copyContext(root: string, dest: string): string[] {
  const rules = readIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  const copied: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      // An excluded directory is still entered when a `!` rule may take something back below it.
      const reinclude = rules.some((x) => x.include && x.text.startsWith(`${r}/`));
      if (excluded(rules, r) && !(st.isDirectory() && reinclude)) continue;
      if (st.isDirectory()) walk(r);
      else {
        mkdirSync(dirname(join(dest, r)), { recursive: true });
        cpSync(join(root, r), join(dest, r), { verbatimSymlinks: true });
        copied.push(r);
      }
    }
  };
  walk('');
  return copied;
}
