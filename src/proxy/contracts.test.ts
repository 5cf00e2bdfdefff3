import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';

/** The import specifiers of a source file, and whether each is type-only. */
function importsOf(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => ({ spec: (m[3] ?? m[4])!, typeOnly: Boolean(m[2]) }));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative imports among `files` (type-only included), as file → the files it imports. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const to = importsOf(f)
      .filter((i) => i.spec.startsWith('.'))
      .map((i) => normalize(join(dirname(f), i.spec)).replace(/\.js$/, '.ts'))
      .filter((t) => known.has(t));
    edges.set(f, to);
  }
  return edges;
}

/** The first circle in `edges`, as the path that closes it, or null. */
function firstCircle(edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    const at = path.indexOf(f);
    if (at >= 0) return [...path.slice(at), f];
    if (done.has(f)) return null;
    path.push(f);
    for (const t of edges.get(f) ?? []) {
      const circle = visit(t);
      if (circle !== null) return circle;
    }
    path.pop();
    done.add(f);
    return null;
  };
  for (const f of edges.keys()) {
    const circle = visit(f);
    if (circle !== null) return circle;
  }
  return null;
}

/**
 * contracts.ts is what every file of the request path may import, exchange.ts included
 * (docs/architecture.md, "The exchange: who writes, who reads"): the moment it imports a file of
 * the proxy room, an import circle through the exchange is one edit away.
 */
describe('contracts.ts', () => {
  it('imports nothing but types from src/core', () => {
    const imports = importsOf('src/proxy/contracts.ts');
    assert.ok(imports.length > 0, 'the file was read');
    for (const { spec, typeOnly } of imports) {
      assert.match(spec, /^\.\.\/core\//, `${spec}: contracts.ts imports only from src/core`);
      assert.ok(typeOnly, `${spec}: contracts.ts imports types only`);
    }
  });
});

describe('import circles', () => {
  it('src/proxy has none, type-only imports included', () => {
    const files = sources('src/proxy');
    assert.ok(files.includes(join('src', 'proxy', 'exchange.ts')), 'the sources were found');
    assert.deepEqual(firstCircle(importGraph(files)), null);
  });

  it('no room of src has one either (what `npx madge --circular --extensions ts src` checks)', () => {
    const files = sources('src');
    assert.ok(files.includes(join('src', 'slo', 'runtime.ts')), 'the sources were found');
    assert.deepEqual(firstCircle(importGraph(files)), null);
  });

  it('finds a circle however long, and none in a graph that only branches', () => {
    const circle = new Map([
      ['a', ['b', 'd']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []],
    ]);
    assert.deepEqual(firstCircle(circle), ['a', 'b', 'c', 'a']);
    const diamond = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d']],
      ['d', []],
    ]);
    assert.equal(firstCircle(diamond), null);
  });
});
