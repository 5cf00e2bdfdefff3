/**
 * The `keel` command end to end: spawns the built CLI (`npm run build` first; run from the repo
 * root) and checks exit codes, stdout/stderr split and output lines (docs/operations.md, "The
 * `keel` command": exit codes 0, 1, 2; results on stdout, errors on stderr).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'keel-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keel(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// Port 0: a `keel run` that wrongly started with it must not fail on a taken port and pass as "refused".
const GOOD = `
listeners: [{ port: 0 }]
pools:
  web:
    hosts: ["http://127.0.0.1:9001", "http://127.0.0.1:9002"]
routes:
  - match: { path_prefix: / }
    pool: web
`;
const BAD = `
pools:
  web:
    hosts: ["http://127.0.0.1:9001"]
    balancer: { algorithm: fastest }
routes:
  - pool: api
`;

describe('keel validate', () => {
  it('exits 0 and prints "ok: FILE (version …)" for a valid file', () => {
    const p = file('good.yaml', GOOD);
    const r = keel('validate', '-c', p);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^ok: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(version \\w+\\)\\n$`),
    );
    assert.equal(r.stderr, '');
  });
  it('exits 1 with one line per problem on stderr, each naming its path and a fix', () => {
    const r = keel('validate', '-c', file('bad.yaml', BAD));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.ok(lines.some((l) => l.startsWith('pools.web.balancer.algorithm: ')));
    assert.ok(lines.some((l) => l.startsWith('routes[0].pool: ') && l.includes('"api"')));
    for (const l of lines) assert.match(l, /fix: /);
  });
  it('an objective below 1 is a warning on stderr: still valid, exit 0', () => {
    const slo = `${GOOD}slos:\n  - { name: avail, kind: availability, objective: 0.999, alerting: { enabled: false } }\n`;
    const r = keel('validate', '-c', file('fraction.yaml', slo));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok: /);
    assert.equal(
      r.stderr,
      'warning: slos[0].objective: 0.999 means 0.999 % good, not 99.9 %: objectives are percentages; fix: write objective: 99.9 for 99.9 %, or keep 0.999 only if less than 1 % good is meant\n',
    );
    const budget = keel('budget', '--objective', '0.999');
    assert.equal(budget.code, 0);
    assert.match(
      budget.stderr,
      /^warning: --objective 0\.999 means 0\.999 % good, not 99\.9 %.*write --objective 99\.9/,
    );
    assert.match(budget.stdout, /^Error budget of a 0\.999% objective/);
    assert.equal(keel('budget', '--objective', '99.9').stderr, '');
  });
  it('exits 1 for a missing file, and for a missing -c', () => {
    assert.equal(keel('validate', '-c', join(dir, 'nope.yaml')).code, 1);
    const r = keel('validate');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--config/);
  });
});

describe('keel schema, --help, --version, bad usage', () => {
  it('schema prints a JSON Schema on stdout', () => {
    const r = keel('schema');
    assert.equal(r.code, 0);
    const schema = JSON.parse(r.stdout) as { type?: string; properties?: Record<string, unknown> };
    assert.equal(schema.type, 'object');
    assert.ok(schema.properties?.pools && schema.properties.routes);
  });
  it('--help on every command, with examples', () => {
    for (const args of [[], ['demo'], ['demo', 'fault'], ['run'], ['validate'], ['schema']]) {
      const r = keel(...args, '--help');
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: keel/);
      assert.match(r.stdout, /Examples:/, args.join(' '));
    }
  });
  it('--version prints the package version', () => {
    const r = keel('--version');
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
  });
  it('an unknown command prints usage and exits 1', () => {
    const r = keel('frobnicate');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /Usage: keel/);
  });
  it('keel run refuses an invalid config before starting anything', () => {
    const r = keel('run', '-c', file('bad2.yaml', BAD), '--workers', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /routes\[0\]\.pool: /);
  });
  it('keel run refuses a non-loopback admin without a token, before listening', () => {
    const exposed = `listeners: [{ port: 0 }]\nadmin: { host: 0.0.0.0, port: 0 }\npools:\n  web: { hosts: ["http://127.0.0.1:9001"] }\nroutes:\n  - pool: web\n`;
    const r = keel('run', '-c', file('exposed.yaml', exposed), '--workers', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /admin\.host is "0\.0\.0\.0", which is not loopback, and admin\.token is not set/);
  });
  it('keel validate refuses it too, with the same line', () => {
    const exposed = `listeners: [{ port: 0 }]\nadmin: { host: 0.0.0.0, port: 0 }\npools:\n  web: { hosts: ["http://127.0.0.1:9001"] }\nroutes:\n  - pool: web\n`;
    const r = keel('validate', '-c', file('exposed2.yaml', exposed));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^admin\.token: admin\.host is "0\.0\.0\.0", which is not loopback, and admin\.token is not set; fix: /,
    );
  });
  it('keel run refuses a bad --workers', () => {
    assert.equal(keel('run', '-c', file('good2.yaml', GOOD), '--workers', 'zero').code, 1);
  });
  it('keel run refuses a bad --heap-growth, saying what it expects', () => {
    for (const bad of ['lots', '-5', '1001']) {
      const r = keel('run', '-c', file('good2.yaml', GOOD), '--workers', '1', '--heap-growth', bad);
      assert.equal(r.code, 1, bad);
      assert.match(r.stderr, /--heap-growth <percent>.*expected an integer 0\.\.1000/s, bad);
    }
  });
});

describe('keel demo: a port in use names the flag that moves it', () => {
  const env = { ...process.env, KEEL_RUNTIME_DIR: join(dir, 'run'), KEEL_LOG_LEVEL: 'silent' };
  const demo = (...args: string[]) => {
    const r = spawnSync(process.execPath, [MAIN, 'demo', ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      env,
    });
    return { code: r.status, stderr: r.stderr };
  };
  let taken = 0;
  let blocker: ReturnType<typeof createServer>;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    taken = (blocker.address() as AddressInfo).port;
  });
  after(() => blocker.close());

  it('an upstream port: --upstream-ports', () => {
    const r = demo('--port', '0', '--admin-port', '0', '--upstream-ports', `0,${taken},0`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`port ${taken} \\(app-2\\) is in use; move it with --upstream-ports`));
    assert.doesNotMatch(r.stderr, /--admin-port/);
  });
  it('the gateway port: --port; the admin port: --admin-port', () => {
    const gw = demo('--port', String(taken), '--admin-port', '0', '--upstream-ports', '0,0,0');
    assert.equal(gw.code, 1);
    assert.match(gw.stderr, new RegExp(`port ${taken} \\(the gateway\\) is in use; move it with --port`));
    const admin = demo('--port', '0', '--admin-port', String(taken), '--upstream-ports', '0,0,0');
    assert.equal(admin.code, 1);
    assert.match(
      admin.stderr,
      new RegExp(`port ${taken} \\(the admin server\\) is in use; move it with --admin-port`),
    );
  });
  it('a bad --upstream-ports is a usage error', () => {
    for (const bad of ['9081,9082', '9081,9082,x', '1,2,70000']) {
      const r = demo('--upstream-ports', bad);
      assert.equal(r.code, 1, bad);
      assert.match(r.stderr, /--upstream-ports <ports>.*expected 3 comma-separated ports/s, bad);
    }
  });
});

describe('keel demo fault: arguments are checked before calling the admin API', () => {
  const unreachable = ['--admin', 'http://127.0.0.1:1'];
  it('refuses an unknown mode', () => {
    const r = keel('demo', 'fault', 'app-2', 'explode', ...unreachable);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mode: got "explode"; expected one of ok, down, slow, errors/);
  });
  it('refuses a bad latency, a bad rate and a bad admin URL', () => {
    assert.match(
      keel('demo', 'fault', 'app-2', 'slow', '--latency-ms', '-3', ...unreachable).stderr,
      /latency-ms/,
    );
    assert.match(
      keel('demo', 'fault', 'app-2', 'errors', '--error-rate', '1.5', ...unreachable).stderr,
      /error-rate/,
    );
    assert.match(keel('demo', 'fault', 'app-2', 'down', '--admin', 'ftp://x').stderr, /http:\/\/ URL/);
  });
  it('refuses a path that is not one, and a path on a fault of the whole host', () => {
    const bad = keel('demo', 'fault', 'app-1', 'errors', '--path', 'broken', ...unreachable);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /path_prefix: got "broken"; expected a path starting with "\/"/);
    const down = keel('demo', 'fault', 'app-1', 'down', '--path', '/broken', ...unreachable);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /only "slow" and "errors" faults take a path/);
  });
  it('an unknown upstream or mode prints usage and exits 1 before any request reaches the admin API', async () => {
    // A listening admin that counts what reaches it (spawned asynchronously, so it can answer).
    let hits = 0;
    const admin = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => admin.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
    const run = (...args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [MAIN, 'demo', 'fault', ...args, '--admin', url], (err, _out, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, stderr }),
        );
      });
    try {
      const name = await run('app-9', 'down');
      assert.equal(name.code, 1);
      assert.match(name.stderr, /name: got "app-9"; expected one of app-1, app-2, app-3/);
      assert.match(name.stderr, /Usage: keel demo fault/);
      const mode = await run('app-1', 'sideways');
      assert.equal(mode.code, 1);
      assert.match(mode.stderr, /mode: got "sideways"; expected one of ok, down, slow, errors/);
      assert.match(mode.stderr, /Usage: keel demo fault/);
      assert.equal(hits, 0, 'nothing may be sent for a bad name or mode');
      // The same admin does receive a good command: the count above could have moved.
      assert.equal((await run('app-1', 'down', '--token', 't')).code, 0);
      assert.equal(hits, 1);
    } finally {
      admin.close();
    }
  });
  it('missing arguments print usage', () => {
    const r = keel('demo', 'fault', 'app-2');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing required argument 'mode'/);
  });
  it('an unreachable admin API is a clear user error', () => {
    const r = keel('demo', 'fault', 'app-2', 'down', ...unreachable);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach the admin API at http:\/\/127\.0\.0\.1:1/);
  });
});
