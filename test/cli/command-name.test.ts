/**
 * The commands Keel prints work as typed (docs/deploy.md, "Install as a command"): the built CLI,
 * spawned with a PATH where `keel` is this program (a global install) and with one where it is
 * not (a clone after `npm install`, where only `npx keel` finds it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { banner, type Demo } from '../../src/cli/demo-start.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const globalBin = mkdtempSync(join(tmpdir(), 'keel-bin-'));
symlinkSync(MAIN, join(globalBin, 'keel'));
const noKeel = mkdtempSync(join(tmpdir(), 'keel-nobin-'));
after(() => {
  rmSync(globalBin, { recursive: true, force: true });
  rmSync(noKeel, { recursive: true, force: true });
});

function keel(path: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, PATH: path },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const HELPS = [[], ['demo'], ['demo', 'fault'], ['run'], ['validate'], ['schema'], ['handoff'], ['budget']];
const EXAMPLE = /^ {2}\$ (npx keel|keel|kill) /gm;

describe('printed commands follow the install', () => {
  it('every --help example says `keel` when keel on PATH is this program', () => {
    for (const args of HELPS) {
      const r = keel(globalBin, ...args, '--help');
      assert.equal(r.code, 0, args.join(' '));
      const spelled = [...r.out.matchAll(EXAMPLE)].map((m) => m[1]);
      assert.ok(spelled.length > 0, `${args.join(' ')}: no examples`);
      for (const s of spelled) assert.notEqual(s, 'npx keel', args.join(' '));
      assert.doesNotMatch(r.out, /npx keel/, args.join(' '));
    }
  });
  it('every --help example says `npx keel` when keel is not on PATH', () => {
    for (const args of HELPS) {
      const r = keel(noKeel, ...args, '--help');
      assert.equal(r.code, 0, args.join(' '));
      const spelled = [...r.out.matchAll(EXAMPLE)].map((m) => m[1]);
      assert.ok(spelled.includes('npx keel'), `${args.join(' ')}: ${r.out}`);
      assert.doesNotMatch(r.out, /\$ keel /, args.join(' '));
    }
  });
  it('the hint of `demo fault` names the command the same way', () => {
    // Port 1 on loopback: nothing listens there, so the admin API cannot be reached.
    const local = keel(noKeel, 'demo', 'fault', 'app-2', 'down', '--admin', 'http://127.0.0.1:1');
    assert.equal(local.code, 1);
    assert.match(local.out, /is `npx keel demo` running\?/);
    const global = keel(globalBin, 'demo', 'fault', 'app-2', 'down', '--admin', 'http://127.0.0.1:1');
    assert.equal(global.code, 1);
    assert.match(global.out, /is `keel demo` running\?/);
  });
  it('the demo banner spells its commands as it is told', () => {
    // banner() reads only the two URLs of a running demo.
    const d = { gatewayUrl: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:9901' } as Demo;
    for (const k of ['keel', 'npx keel'] as const) {
      const faults = banner(d, k)
        .split('\n')
        .filter((l) => l.includes('demo fault'));
      assert.equal(faults.length, 4);
      for (const l of faults) assert.ok(l.startsWith(`  ${k} demo fault `), l);
    }
  });
});
