/**
 * The layout is the architecture (docs/architecture.md, "Rooms"): each room may import only the
 * rooms listed here. This test reads every source file's imports and fails on an edge the rules do
 * not allow, so a shortcut across rooms is caught in review, not in production. The Rooms table in
 * docs/architecture.md states the same rules for readers; a test below keeps the two equal.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { test } from 'node:test';

const SRC = 'src';

/** Room of a file under src/: its first folder, or the file name for top-level files. */
function roomOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) return rel[0]!.replace(/\.ts$/, '');
  return rel[0]!;
}

const BASE = ['core', 'config'];
/**
 * Which rooms each room may import (itself always allowed). Only rooms that exist: a new room gets
 * an entry here and a row in docs/architecture.md's Rooms table with its first file.
 */
const ALLOWED: Record<string, string[]> = {
  core: [],
  config: ['core'],
  proxy: BASE,
  telemetry: BASE,
  slo: BASE,
  demo: BASE,
  admin: [...BASE, 'proxy', 'telemetry', 'slo', 'demo'],
  app: [...BASE, 'proxy', 'telemetry', 'slo', 'admin', 'demo'],
  supervisor: [...BASE, 'telemetry', 'app'],
  cli: [...BASE, 'proxy', 'telemetry', 'slo', 'admin', 'demo', 'app', 'supervisor'],
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
        `${file}: room "${from}" is not in the architecture (add it to ALLOWED and to the Rooms table in docs/architecture.md)`,
      );
      continue;
    }
    for (const { spec, typeOnly } of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
        const to = roomOf(target);
        if (to !== from && !allowed.includes(to)) {
          violations.push(
            `${file}: imports ${spec} (room ${to}); ${from} may import only ${allowed.join(', ') || 'itself'}`,
          );
        }
      } else if (from === 'core' && !typeOnly) {
        // core/ is pure: no I/O, no timers, no packages — type imports only (docs/architecture.md).
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
        violations.push(`${file} imports the composition root (${spec})`);
    }
  }
  assert.deepEqual(violations, []);
});

/**
 * The Rooms table of docs/architecture.md as data: room → the rooms it may import. A room cell
 * names `src/<folder>/` or `src/<file>.ts`; other rows (dashboard/) are outside the import check.
 * "may import" is a comma-separated list of room names, or "—" for none.
 */
function roomsTable(): Map<string, string[]> {
  const md = readFileSync('docs/architecture.md', 'utf8');
  const section = md.split(/^## /m).find((s) => s.startsWith('Rooms\n'));
  assert.ok(section, 'docs/architecture.md has no "## Rooms" section');
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  assert.ok(first >= 0, 'docs/architecture.md "Rooms" has no table');
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  const rows = lines.slice(first + 2, end < 0 ? undefined : end); // past the header and its rule
  const rooms = new Map<string, string[]>();
  for (const row of rows) {
    const cells = row.split('|').map((c) => c.trim());
    const [roomCell, , importCell] = cells.slice(1, -1);
    assert.ok(
      roomCell !== undefined && importCell !== undefined,
      `Rooms table row has too few cells: ${row}`,
    );
    const mayImport = importCell === '—' ? [] : importCell.split(',').map((r) => r.trim());
    for (const [, path] of roomCell.matchAll(/`([^`]+)`/g)) {
      if (!path!.startsWith('src/')) continue;
      const room = path!.slice('src/'.length).replace(/\/$|\.ts$/, '');
      assert.ok(!rooms.has(room), `docs/architecture.md lists room ${room} twice`);
      rooms.set(room, mayImport);
    }
  }
  return rooms;
}

test('the Rooms table in docs/architecture.md states exactly the allowed imports', () => {
  const table = roomsTable();
  assert.deepEqual(
    [...table.keys()].sort(),
    Object.keys(ALLOWED).sort(),
    'docs/architecture.md "Rooms" and ALLOWED list different rooms',
  );
  for (const [room, mayImport] of table) {
    assert.deepEqual(
      [...mayImport].sort(),
      [...ALLOWED[room]!].sort(),
      `room ${room}: docs/architecture.md says it may import ${mayImport.join(', ') || 'nothing'}, ALLOWED says ${ALLOWED[room]!.join(', ') || 'nothing'}`,
    );
  }
});

test('every room in ALLOWED holds source files (the architecture lists only rooms that exist)', () => {
  const present = new Set(walk(SRC).map(roomOf));
  assert.deepEqual(
    Object.keys(ALLOWED).filter((room) => !present.has(room)),
    [],
  );
});
