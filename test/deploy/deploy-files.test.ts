/**
 * The deployment files agree with Keel and with each other (docs/deploy.md): the systemd unit's
 * hardening and lifecycle, the Dockerfile's stages, user, signals and health check, and the two
 * shipped configs, loaded by Keel's own config loader. The services tier runs them for real
 * (systemd-analyze, the Dockerfile replayed: test/services/deploy-*.test.ts).
 */
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfigFile } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { execForm, healthcheck, last, parseDockerfile, splitFlags } from './dockerfile.js';
import { parseUnit, timeSpanMs, values } from './unit-file.js';

function config(path: string, env: Record<string, string> = {}): Config {
  const r = loadConfigFile(path, env);
  assert.ok(r.ok, `${path}: ${JSON.stringify(r.ok ? null : r.problems)}`);
  return r.config;
}

describe('deploy/systemd/keel.service', () => {
  const unit = parseUnit(readFileSync('deploy/systemd/keel.service', 'utf8'));
  const one = (key: string) => {
    const v = values(unit, 'Service', key);
    assert.equal(v.length, 1, `${key}= appears ${v.length} times`);
    return v[0]!;
  };

  it('runs as its own user with the hardening directives', () => {
    assert.equal(one('User'), 'keel');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ProtectHome'), 'yes');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.equal(one('PrivateTmp'), 'yes');
    assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
    assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE');
    // V8's JIT needs writable-then-executable memory: this one must stay off.
    assert.deepEqual(values(unit, 'Service', 'MemoryDenyWriteExecute'), []);
  });

  it('starts keel run on /etc/keel/keel.yaml, reloads with SIGHUP after validating, restarts on failure', () => {
    assert.equal(one('ExecStart'), '/usr/bin/keel run -c /etc/keel/keel.yaml');
    assert.deepEqual(values(unit, 'Service', 'ExecReload'), [
      '/usr/bin/keel validate -c /etc/keel/keel.yaml',
      '/bin/kill -HUP $MAINPID',
    ]);
    accessSync('/bin/kill', constants.X_OK);
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(values(unit, 'Install', 'WantedBy')[0], 'multi-user.target');
  });

  it('stops with SIGTERM and waits longer than the drain', () => {
    assert.equal(one('KillSignal'), 'SIGTERM');
    const drain = config('deploy/systemd/keel.yaml').shutdown.drain_timeout;
    assert.ok(timeSpanMs(one('TimeoutStopSec')) > drain, `TimeoutStopSec must exceed the ${drain} ms drain`);
  });

  it("keeps the SLO state in the StateDirectory that the config's state_file names", () => {
    assert.equal(one('StateDirectory'), 'keel');
    // systemd exports STATE_DIRECTORY=/var/lib/keel for StateDirectory=keel.
    const c = config('deploy/systemd/keel.yaml', { STATE_DIRECTORY: '/var/lib/keel' });
    assert.equal(c.alerts.state_file, '/var/lib/keel/slo.sqlite');
    assert.ok(c.slos.length > 0, 'without an SLO the state file is never opened');
    assert.equal(config('deploy/systemd/keel.yaml').alerts.state_file, '/var/lib/keel/slo.sqlite');
  });

  it('the sysusers file creates the user the unit runs as', () => {
    const line = readFileSync('deploy/systemd/keel.sysusers', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('u '));
    assert.match(line ?? '', /^u keel - /);
  });
});

describe('Dockerfile', () => {
  const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
  const runtime = stages.at(-1)!;

  it('builds in one stage and runs from another with production dependencies only', () => {
    assert.deepEqual(
      stages.map((s) => s.name),
      ['build', 'deps', 'runtime'],
    );
    const runs = (name: string) =>
      stages
        .find((s) => s.name === name)!
        .steps.filter((s) => s.op === 'RUN')
        .map((s) => s.args);
    assert.ok(runs('build').some((r) => r.startsWith('npx tsc ')));
    assert.ok(runs('deps').some((r) => r.startsWith('npm ci --omit=dev')));
    assert.ok(!runs('runtime').some((r) => r.includes('npm')), 'npm plays no part in the runtime stage');
    const from = runtime.steps
      .filter((s) => s.op === 'COPY')
      .map((s) => splitFlags(s.args).flags.from)
      .filter(Boolean);
    assert.deepEqual(from, ['build', 'deps']);
  });

  it('runs as a non-root user, node as PID 1 through exec forms', () => {
    const user = last(runtime, 'USER');
    assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
    const entry = execForm(last(runtime, 'ENTRYPOINT') ?? '');
    assert.deepEqual(entry, ['node', '--no-memory-reducer', '/app/dist/src/cli/main.js']);
    assert.deepEqual(execForm(last(runtime, 'CMD') ?? ''), ['run', '-c', '/etc/keel/keel.yaml']);
    assert.equal(last(runtime, 'STOPSIGNAL'), 'SIGTERM');
  });

  it("checks health with the admin server's /healthz and exposes the config's ports", () => {
    const hc = healthcheck(last(runtime, 'HEALTHCHECK') ?? '');
    assert.deepEqual(hc.command, ['node', '/app/healthcheck.mjs']);
    assert.ok(runtime.steps.some((s) => s.op === 'COPY' && s.args.endsWith(' ./healthcheck.mjs')));
    assert.match(readFileSync('deploy/docker/healthcheck.mjs', 'utf8'), /127\.0\.0\.1:9901\/healthz/);
    const c = config('deploy/docker/keel.yaml');
    assert.equal(c.admin.port, 9901);
    assert.equal(last(runtime, 'EXPOSE'), `${c.listeners.map((l) => l.port).join(' ')} ${c.admin.port}`);
    assert.equal(c.listeners[0]!.host, '0.0.0.0');
  });

  it('drains within the 10 s that `docker stop` waits, and keeps state on the volume', () => {
    const c = config('deploy/docker/keel.yaml');
    assert.ok(c.shutdown.drain_timeout < 10_000, `drain_timeout ${c.shutdown.drain_timeout} ms`);
    assert.equal(c.alerts.state_file, '/var/lib/keel/slo.sqlite');
    assert.equal(last(runtime, 'VOLUME'), '["/var/lib/keel"]');
    const published = { KEEL_ADMIN_HOST: '0.0.0.0', KEEL_ADMIN_TOKEN: 'a-secret' };
    assert.equal(config('deploy/docker/keel.yaml', published).admin.host, '0.0.0.0');
    // Published without its token, the admin API is refused by validation, as the file's comment says.
    assert.equal(loadConfigFile('deploy/docker/keel.yaml', { KEEL_ADMIN_HOST: '0.0.0.0' }).ok, false);
  });
});
