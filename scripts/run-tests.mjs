#!/usr/bin/env node
// Runs the compiled tests with node:test. Two tiers (README):
//   unit     — everything that needs only Node (src/**/*.test.js and test/** outside test/services)
//   services — tests that need Redis, Prometheus, Alertmanager or Chromium (test/services/**)
// Node 20's --test takes no globs, so the file list is built here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const tier = process.argv[2] ?? 'unit';
if (tier !== 'unit' && tier !== 'services') {
  console.error(`usage: run-tests.mjs unit|services (got "${tier}")`);
  process.exit(1);
}
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
// tsc -b does not delete what a removed or moved source compiled to: a test left in dist/ by an
// older build would run against modules that no longer exist. Only tests with a source run.
const hasSource = (f) => existsSync(f.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts'));
const compiled = [...walk('dist/src'), ...walk('dist/test')];
const all = compiled.filter(hasSource);
for (const f of compiled.filter((f) => !hasSource(f)))
  console.error(`skipping ${f}: its source is gone (a stale build output; rm -rf dist to clear it)`);
const isService = (f) => f.includes(`${join('dist', 'test', 'services')}/`);
const files = all.filter((f) => (tier === 'services' ? isService(f) : !isService(f))).sort();
if (files.length === 0 && tier === 'unit') {
  console.error('no test files found under dist/ — did the build run?');
  process.exit(1);
}
if (files.length === 0) {
  // Only files under test/services/ need Redis, Prometheus, Alertmanager or Chromium; a build may
  // have none.
  console.log('no service tests in this build');
  process.exit(0);
}
// Checked once here; fc-seed.mjs would otherwise refuse it in every test process.
const fcSeed = process.env.KEEL_FC_SEED;
if (fcSeed !== undefined && fcSeed !== 'random' && !/^-?\d+$/.test(fcSeed)) {
  console.error(`KEEL_FC_SEED must be an integer or "random", got "${fcSeed}"`);
  process.exit(1);
}
const extra = process.env.KEEL_TEST_ARGS ? process.env.KEEL_TEST_ARGS.split(' ') : [];
// A file URL: --import takes a module specifier, and a bare Windows path is not one.
const seed = pathToFileURL(join(import.meta.dirname, 'fc-seed.mjs')).href;
const r = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--import', seed, ...extra, ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 2);
