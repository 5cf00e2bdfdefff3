/**
 * The layout is the architecture (ARCHITECTURE.md): each room may import only the rooms listed
 * here. This test reads every source file's imports and fails on an edge the rules do not allow,
 * so a shortcut across rooms is caught in review, not in production.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { test } from 'node:test';

const SRC = 'src';

/** Room of a file under src/: its first folder, or the file name for top-level files. */
function roomOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  // app.ts may be split into app-*.ts siblings: all of them are the composition root.
  if (rel.length === 1) return rel[0]!.startsWith('app') ? 'app' : rel[0]!.replace(/\.ts$/, '');
  if (rel[0] === 'capacity' && rel[1] === 'model') return 'capacity/model';
  return rel[0]!;
}

const BASE = ['core', 'config'];
/** Which rooms each room may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  config: ['core'],
  proxy: BASE,
  telemetry: BASE,
  slo: BASE,
  capacity: BASE,
  'capacity/model': BASE,
  review: [...BASE, 'capacity/model', 'slo'],
  demo: BASE,
  admin: [...BASE, 'proxy', 'telemetry', 'slo', 'capacity', 'capacity/model', 'review', 'demo'],
  app: [...BASE, 'proxy', 'telemetry', 'slo', 'capacity', 'capacity/model', 'review', 'admin', 'demo'],
  supervisor: [...BASE, 'telemetry', 'admin', 'app', 'proxy', 'demo'],
  cli: [
    ...BASE,
    'proxy',
    'telemetry',
    'slo',
    'capacity',
    'capacity/model',
    'review',
    'admin',
    'demo',
    'app',
    'supervisor',
  ],
  // The package entry re-exports the pure primitives only.
  index: [...BASE, 'proxy'],
  // `keel/cache`: the cache stores and RFC 9111 rules (docs/library.md).
  cache: [...BASE, 'proxy'],
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(IMPORT)) out.push({ spec: (m[3] ?? m[4])!, typeOnly: Boolean(m[2]) });
  return out;
}

test('every import crosses rooms only along the allowed edges', () => {
  const violations: string[] = [];
  for (const file of walk(SRC)) {
    const from = roomOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(
        `${file}: room "${from}" is not in the architecture (add it to ALLOWED and ARCHITECTURE.md)`,
      );
      continue;
    }
    for (const { spec, typeOnly } of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
        const to = roomOf(target);
        if (to !== from && !allowed.includes(to) && !(from === 'capacity' && to === 'capacity/model')) {
          violations.push(
            `${file}: imports ${spec} (room ${to}); ${from} may import only ${allowed.join(', ') || 'itself'}`,
          );
        }
      } else if (from === 'core' && !typeOnly) {
        // core/ is pure: no I/O, no timers, no packages — type imports only (ARCHITECTURE.md).
        violations.push(`${file}: core imports "${spec}" at runtime; core may only import types`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('nothing imports the CLI, and only the CLI imports the composition root', () => {
  const violations: string[] = [];
  for (const file of walk(SRC)) {
    const from = roomOf(file);
    for (const { spec } of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const to = roomOf(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
      if (to === 'cli' && from !== 'cli') violations.push(`${file} imports the CLI (${spec})`);
      if (to === 'app' && !['cli', 'supervisor', 'app'].includes(from))
        violations.push(`${file} imports app.ts`);
    }
  }
  assert.deepEqual(violations, []);
});
