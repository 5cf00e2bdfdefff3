/**
 * `keel budget` and `keel slo rules` end to end: spawns the built CLI (`npm run build` first; run
 * from the repo root) and checks output, exit codes and the stdout/stderr split.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'keel-slo-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keel(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('keel budget', () => {
  it('prints the budget in time and the burn rate of each default tier', () => {
    const r = keel('budget', '--objective', '99.9', '--window', '30d', '--requests', '2000000');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /time: +43m 12s of full outage in 30d/);
    assert.match(r.stdout, /per day: +1m 26\.4s/);
    assert.match(r.stdout, /requests: +2000 of 2000000 may fail/);
    assert.match(r.stdout, /page-fast +critical +2% +1h +5m +14\.4× +1\.44% +2d 2h/);
    assert.match(r.stdout, /page-slow +critical +5% +6h +30m +6× +0\.6% +5d/);
    assert.match(r.stdout, /ticket +warning +10% +3d +6h +1× +0\.1% +30d/);
    assert.equal(r.stderr, '');
  });

  it('prints JSON with --json (window defaults to 30d)', () => {
    const r = keel('budget', '--objective', '99.9', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.window, '30d');
    assert.equal(j.budget.time_ms, 2_592_000);
    assert.equal(j.budget.bad_requests, null);
    assert.deepEqual(
      j.tiers.map((t: { burn_rate: number }) => t.burn_rate),
      [14.4, 6, 1],
    );
  });

  for (const args of [
    ['--objective', '100'],
    ['--objective', '0'],
    ['--objective', 'abc'],
    ['--objective', '99.9', '--window', '30x'],
    ['--objective', '99.9', '--requests', '-5'],
    ['--window', '30d'],
  ]) {
    it(`refuses ${args.join(' ')} with usage and exit 1`, () => {
      const r = keel('budget', ...args);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /Usage: keel budget/);
    });
  }
});

describe('keel slo rules', () => {
  it('prints the rules of examples/slo.yaml on stdout, or writes them with -o', () => {
    const r = keel('slo', 'rules', '-c', 'examples/slo.yaml', '--selector', 'job="keel"');
    assert.equal(r.code, 0, r.stderr);
    const rules = parse(r.stdout);
    assert.deepEqual(
      rules.groups.map((g: { name: string }) => g.name),
      ['keel-slo-api-availability', 'keel-slo-search-latency', 'keel-slo-api-throughput'],
    );
    assert.match(r.stdout, /_count\{job="keel",http_route="api",/);
    assert.match(r.stdout, /runbook_url: https:\/\/runbooks\.example\.com\/keel\/search-latency/);
    const out = join(dir, 'rules.yml');
    const w = keel('slo', 'rules', '-c', 'examples/slo.yaml', '-o', out);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, '');
    assert.match(w.stderr, /wrote 3 SLO rule group\(s\)/);
    assert.deepEqual(parse(readFileSync(out, 'utf8')).groups.length, 3);
  });

  it('refuses an invalid config with one line per problem, exit 1', () => {
    const p = join(dir, 'bad.yaml');
    writeFileSync(p, 'pools: { web: { hosts: [] } }\nroutes: 7\n');
    const r = keel('slo', 'rules', '-c', p);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /routes/);
  });

  it('refuses a config without SLOs, exit 1', () => {
    const p = join(dir, 'no-slos.yaml');
    writeFileSync(
      p,
      'pools:\n  web:\n    hosts: ["http://127.0.0.1:9001"]\nroutes:\n  - { match: { path_prefix: / }, pool: web }\n',
    );
    const r = keel('slo', 'rules', '-c', p);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /declares no slos/);
  });

  it('refuses a selector with braces, exit 1', () => {
    const r = keel('slo', 'rules', '-c', 'x.yaml', '--selector', '{job="keel"}');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /label matchers without braces/);
  });
});
