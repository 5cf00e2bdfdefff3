/**
 * What `npm install keel` gets: the file list of `npm pack --dry-run --json` (no network, no
 * tarball written). Tests, test helpers (`*.test-util.*`, the contract suites and fixtures) and
 * their source maps stay out; every `bin` and `exports` target and the dashboard's files are in.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

interface PackReport {
  files: Array<{ path: string }>;
}

/** Under `npm test` the npm that runs us is the one to ask; run by hand, the one on PATH. */
function npmPack(): PackReport {
  const cli = process.env.npm_execpath;
  const args = ['pack', '--dry-run', '--json', '--ignore-scripts'];
  const out =
    cli?.endsWith('npm-cli.js') === true
      ? execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
      : execFileSync('npm', args, { encoding: 'utf8' });
  const reports = JSON.parse(out) as PackReport[];
  assert.equal(reports.length, 1);
  return reports[0]!;
}

/** Every file path an `exports` map points at, whatever its nesting of conditions. */
function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node === null || typeof node !== 'object') return [];
  return Object.values(node).flatMap(exportTargets);
}

test('npm pack ships every entry point and the dashboard, and no test or test helper', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    bin: Record<string, string>;
    main: string;
    types: string;
    exports: unknown;
  };
  const files = new Set(npmPack().files.map((f) => f.path));

  const testOnly = [...files].filter((p) => /(^|\/)test\/|\.test\.|\.test-util\./.test(p));
  assert.deepEqual(testOnly, [], 'test-only files in the package: fix "files" in package.json');

  const targets = [...Object.values(pkg.bin), pkg.main, pkg.types, ...exportTargets(pkg.exports)];
  assert.ok(targets.length >= 6, `expected bin, main, types and two exports, got ${targets.join(', ')}`);
  const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.has(t));
  assert.deepEqual(missing, [], 'entry points missing from the package (did the build run?)');

  const dashboard = readdirSync('dashboard').map((name) => `dashboard/${name}`);
  assert.ok(dashboard.includes('dashboard/index.html'));
  assert.deepEqual(
    dashboard.filter((f) => !files.has(f)),
    [],
    'dashboard files missing from the package',
  );
});
