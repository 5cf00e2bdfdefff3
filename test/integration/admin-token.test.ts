/**
 * The admin token Keel generates when the config names none (docs/security.md, "The admin
 * token"): written 0600 in a 0700 directory, needed for every change, read by the CLI, never
 * logged, removed at shutdown.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { adminTokenPath, readAdminToken, writeAdminToken } from '../../src/admin/token-file.js';
import { startApp } from '../../src/app/app.js';
import { startDemo } from '../../src/cli/demo-start.js';
import { validateConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, spawnKeel } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-admin-token-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function start(admin: Record<string, unknown>) {
  const r = validateConfig({
    listeners: [{ port: 0 }],
    admin: { port: 0, ...admin },
    pools: { web: { hosts: ['http://127.0.0.1:1'] } },
    routes: [{ pool: 'web' }],
    telemetry: { access_log: { enabled: false } },
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? null : r.problems));
  return startApp({ config: r.config, version: 'v1', logger: createLogger({ level: 'silent' }) });
}

describe('the generated admin token', () => {
  it('is written 0600 in a 0700 directory, needed for changes only, and removed at shutdown', async () => {
    const file = join(dir, 'fresh', 'admin.token');
    const app = await start({ token_file: file });
    const admin = `http://127.0.0.1:${app.admin!.port}`;
    try {
      assert.equal(app.admin!.tokenFile, file);
      assert.equal(readFileSync(file, 'utf8').trim(), app.admin!.token);
      assert.match(app.admin!.token, /^[A-Za-z0-9_-]{43}$/, '256 bits, URL-safe');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'fresh')).mode & 0o777, 0o700);
      assert.equal((await fetch(`${admin}/api/v1/pools`)).status, 200, 'loopback reads need no token');
      const none = await adminPost(admin, '/api/v1/reload', undefined, 'wrong');
      assert.equal(none.status, 401);
      const fix = ((await none.json()) as { error: { fix: string } }).error.fix;
      assert.ok(fix.includes(file), fix);
      const ok = await adminPost(admin, '/api/v1/reload', undefined, app.admin!.token);
      assert.equal(ok.status, 422, 'authorized: refused only because there is no config file');
    } finally {
      await app.shutdown('test');
    }
    assert.throws(() => statSync(file), /ENOENT/, 'removed at shutdown');
  });

  it('each start makes a new one; the default file is admin-<port>.token in the runtime directory', async () => {
    const a = await start({});
    const first = a.admin!.token;
    const file = a.admin!.tokenFile!;
    try {
      assert.equal(file, adminTokenPath(a.admin!.port));
      assert.equal(readAdminToken(file), first);
    } finally {
      await a.shutdown('test');
    }
    const b = await start({});
    try {
      assert.notEqual(b.admin!.token, first);
    } finally {
      await b.shutdown('test');
    }
  });

  it('a configured admin.token is used as is, and no file is written', async () => {
    const app = await start({ token: 'from-config' });
    try {
      assert.equal(app.admin!.token, 'from-config');
      assert.equal(app.admin!.tokenFile, null);
      assert.equal(readAdminToken(adminTokenPath(app.admin!.port)), null);
    } finally {
      await app.shutdown('test');
    }
  });

  it('never follows a planted symlink, and narrows a file that was readable by others', () => {
    const target = join(dir, 'victim');
    writeFileSync(target, 'untouched');
    const link = join(dir, 'planted.token');
    symlinkSync(target, link);
    assert.throws(() => writeAdminToken(link, 'secret'), /ELOOP/);
    assert.equal(readFileSync(target, 'utf8'), 'untouched');
    assert.ok(lstatSync(link).isSymbolicLink());
    const wide = join(dir, 'wide.token');
    writeFileSync(wide, 'old', { mode: 0o644 });
    writeAdminToken(wide, 'new');
    assert.equal(statSync(wide).mode & 0o777, 0o600);
    assert.equal(readAdminToken(wide), 'new');
  });

  it('keel demo fault reads it from the file: no flag, no environment variable', async () => {
    const demo = await startDemo({
      port: 0,
      adminPort: 0,
      upstreamPorts: [0, 0, 0],
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const env = { ...process.env };
      delete env.KEEL_ADMIN_TOKEN;
      const r = await promisify(execFile)(
        process.execPath,
        ['dist/src/cli/main.js', 'demo', 'fault', 'app-2', 'down', '--admin', demo.adminUrl],
        { env, encoding: 'utf8' },
      );
      assert.match(r.stdout, /app-2: down/);
      const ups = (await (await fetch(`${demo.adminUrl}/api/v1/demo/upstreams`)).json()) as Array<{
        name: string;
        fault: { mode: string };
      }>;
      assert.equal(ups.find((u) => u.name === 'app-2')?.fault.mode, 'down');
    } finally {
      await demo.close();
    }
  });

  it('the started log line names the file, never the token', async () => {
    const cfg = join(dir, 'keel.yaml');
    writeFileSync(
      cfg,
      'listeners: [{ port: 0 }]\nadmin: { port: 0 }\npools: { web: { hosts: ["http://127.0.0.1:1"] } }\nroutes: [{ pool: web }]\n',
    );
    const k = spawnKeel(['run', '-c', cfg, '--workers', '1']);
    try {
      const line = await k.line(/"event":"started"/);
      const started = JSON.parse(line) as { admin: { port: number; token_file: string } };
      const token = readAdminToken(started.admin.token_file);
      assert.ok(token, `a token in ${started.admin.token_file}`);
      assert.ok(!k.output().includes(token!), 'the token is in no log line');
      assert.equal(started.admin.token_file, adminTokenPath(started.admin.port));
    } finally {
      k.child.kill('SIGTERM');
      await k.exited;
    }
  });
});
