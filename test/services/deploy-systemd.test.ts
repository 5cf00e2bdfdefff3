/**
 * deploy/systemd/ checked by systemd's own tools (Debian package `systemd`; no running systemd
 * needed): `systemd-analyze verify` reads the unit as systemd would and checks that its commands
 * exist, `systemd-analyze security --offline` scores its sandbox, `systemd-sysusers --root`
 * creates the user into a scratch root. The unit names /usr/bin/keel (a global npm install);
 * here that path becomes a `keel` linked to this build, which the reload command then runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseUnit, values } from '../deploy/unit-file.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-systemd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keel = join(dir, 'bin', 'keel');
mkdirSync(join(dir, 'bin'));
symlinkSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), keel);
const original = readFileSync('deploy/systemd/keel.service', 'utf8');
assert.ok(original.includes('/usr/bin/keel run '));
const unitPath = join(dir, 'keel.service');
writeFileSync(unitPath, original.replaceAll('/usr/bin/keel', keel));

function tool(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, `${cmd} runs (Debian package systemd)`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('deploy/systemd with systemd-analyze and systemd-sysusers', () => {
  it('systemd-analyze verify: no warning, every command found', () => {
    const r = tool('systemd-analyze', ['verify', unitPath]);
    assert.equal(r.code, 0, r.out);
    // verify exits 0 on unknown keys and unparsable values too; it prints them.
    assert.equal(r.out.trim(), '');
  });

  it('systemd-analyze verify still reads every line: a misspelt directive is reported', () => {
    const bad = join(dir, 'bad.service');
    writeFileSync(bad, original.replaceAll('/usr/bin/keel', keel).replace('ProtectHome=', 'ProtectHom='));
    assert.match(tool('systemd-analyze', ['verify', bad]).out, /Unknown key.*ProtectHom/);
  });

  it('systemd-analyze security rates the sandbox OK (exposure at most 2.0 of 10)', () => {
    const r = tool('systemd-analyze', ['security', '--offline=true', '--threshold=20', unitPath]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Overall exposure level for keel\.service: [01]\.\d/);
  });

  it("the reload command validates the shipped config with the unit's environment", () => {
    const unit = parseUnit(readFileSync(unitPath, 'utf8'));
    const validate = values(unit, 'Service', 'ExecReload')[0]!.split(' ');
    assert.deepEqual(validate.slice(1), ['validate', '-c', '/etc/keel/keel.yaml']);
    const r = spawnSync(validate[0]!, [...validate.slice(1, 3), 'deploy/systemd/keel.yaml'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, STATE_DIRECTORY: '/var/lib/keel', NODE_ENV: 'production' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok: deploy\/systemd\/keel\.yaml/);
  });

  it('systemd-sysusers creates the keel system user with no login shell', () => {
    const root = join(dir, 'root');
    // Installed where docs/deploy.md puts it; --root reads sysusers.d below the scratch root.
    mkdirSync(join(root, 'etc', 'sysusers.d'), { recursive: true });
    copyFileSync('deploy/systemd/keel.sysusers', join(root, 'etc', 'sysusers.d', 'keel.conf'));
    const r = tool('systemd-sysusers', [`--root=${root}`]);
    assert.equal(r.code, 0, r.out);
    const passwd = readFileSync(join(root, 'etc', 'passwd'), 'utf8');
    assert.match(passwd, /^keel:x:\d+:\d+:[^:]*:\/var\/lib\/keel:\/usr\/sbin\/nologin$/m);
    assert.match(readFileSync(join(root, 'etc', 'group'), 'utf8'), /^keel:x:\d+:/m);
  });
});
