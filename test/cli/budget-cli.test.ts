/**
 * `keel budget` refuses what it cannot read exactly: numbers are plain decimals (no hex, no
 * exponent, no blanks — Number() would take each of those), and a window must hold the longest
 * alert tier's long window. Each refusal is a usage error: message, usage, exit 1, no stdout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

function keel(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('keel budget: strict numbers and windows', () => {
  for (const [args, why] of [
    [['--objective', '0x10'], /plain decimal/],
    [['--objective', '9.99e1'], /plain decimal/],
    [['--objective', ' 99.9'], /plain decimal/],
    [['--objective', '+99.9'], /plain decimal/],
    [['--objective', '99.9999999'], /at most 6 decimal places/],
    [['--objective', '99.9', '--requests', '1e6'], /whole number of requests/],
    [['--objective', '99.9', '--requests', '0x10'], /whole number of requests/],
    [['--objective', '99.9', '--window', '0x1d'], /expected a window/],
    [['--objective', '99.9', '--window', '1e1d'], /expected a window/],
    [
      ['--objective', '99.9', '--window', '1m'],
      /--window 1m is shorter than the ticket alert tier's long window \(3d\)/,
    ],
    [['--objective', '99.9', '--window', '2d'], /use --window 3d or longer/],
  ] as const) {
    it(`refuses ${args.join(' ')} with a clear message, usage and exit 1`, () => {
      const r = keel('budget', ...args);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, why);
      assert.match(r.stderr, /Usage: keel budget/);
    });
  }

  it('accepts 6 decimal places, and a window exactly as long as the longest tier (3d)', () => {
    const r = keel('budget', '--objective', '99.999999', '--window', '3d', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.objective, 99.999999);
    assert.equal(j.budget.time_ms, 2.592); // 1e-8 of 3d, exactly
    assert.deepEqual(
      j.tiers.map((t: { name: string }) => t.name),
      ['page-fast', 'page-slow', 'ticket'],
    );
  });
});
