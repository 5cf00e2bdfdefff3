/**
 * The Dockerfile without a Docker engine (docs/deploy.md, "Docker"): its build steps replayed in
 * clean directories from the build context `docker build .` would send (test/services/
 * dockerfile-replay.ts), then the runtime stage's ENTRYPOINT started from its own directory, as
 * `docker run keel run -c <config>` would, with a config derived from the image's (loopback,
 * port 0, an upstream of this test). It must answer /healthz and the HEALTHCHECK, proxy a request,
 * keep its SLO state where the config says, and drain an in-flight request on SIGTERM, exit 0.
 * Slow (npm ci twice, tsc, a native module compiled): the services tier.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { parseDockerfile } from '../deploy/dockerfile.js';
import { copyContext } from '../deploy/dockerignore.js';
import { replay, type StageResult } from './dockerfile-replay.js';

const MINUTE = 60_000;
const work = mkdtempSync(join(tmpdir(), 'keel-docker-'));
let runtime: StageResult;
let upstream: Server;
const held: ServerResponse[] = [];
let reachedUpstream: () => void = () => undefined;
let keel: ChildProcess | undefined;

before(
  async () => {
    const context = join(work, 'context');
    copyContext(process.cwd(), context);
    // The base image's environment: its PATH without this repository's node_modules/.bin (a RUN
    // must use what the stage installed), the npm cache and settings of this machine's HOME.
    const PATH = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((d) => !d.includes('node_modules'))
      .join(delimiter);
    const stages = await replay(parseDockerfile(readFileSync('Dockerfile', 'utf8')), {
      context,
      out: join(work, 'stages'),
      baseEnv: { PATH, HOME: process.env.HOME ?? work },
      stepTimeoutMs: 10 * MINUTE,
    });
    runtime = stages.at(-1)!;
    upstream = createServer((req, res) => {
      req.resume();
      if (req.url === '/slow') {
        held.push(res);
        reachedUpstream();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream saw ${req.url}`);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  },
  { timeout: 25 * MINUTE },
);

after(async () => {
  if (keel && keel.exitCode === null) keel.kill('SIGKILL');
  for (const res of held) res.destroy();
  await new Promise((r) => (upstream ? upstream.close(r) : r(undefined)));
  rmSync(work, { recursive: true, force: true });
});

describe('the Dockerfile, replayed', () => {
  it('builds in clean directories; only the image-OS step is left to Docker', () => {
    assert.equal(runtime.name, 'runtime');
    assert.deepEqual(runtime.skipped, ['mkdir -p /var/lib/keel && chown node:node /var/lib/keel']);
    const app = join(runtime.root, 'app');
    assert.ok(existsSync(join(app, 'dist', 'src', 'cli', 'main.js')));
    assert.ok(
      existsSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
    );
    // Production dependencies only, and none of the tests.
    for (const dev of ['typescript', '@biomejs', 'fast-check', 'playwright-core'])
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is a dev dependency`);
    assert.ok(!readdirSync(join(app, 'dist', 'src', 'cli')).some((f) => f.includes('.test.')));
    // The host's node stands in for the base image's: the same major version.
    assert.match(runtime.image, new RegExp(`^node:${process.versions.node.split('.')[0]}-`));
    assert.notEqual(runtime.user, 'root');
  });

  it('the entrypoint serves, answers the health check, and drains on SIGTERM with exit 0', async () => {
    const cfgText = readFileSync(join(runtime.root, 'etc', 'keel', 'keel.yaml'), 'utf8');
    const local = swapOnce(
      swapOnce(swapOnce(cfgText, 'host: 0.0.0.0', 'host: 127.0.0.1'), 'port: 8080', 'port: 0'),
      'port: 9901',
      'port: 0',
    );
    mkdirSync(join(work, 'config'));
    const cfg = join(work, 'config', 'keel.yaml');
    writeFileSync(cfg, local);
    const state = join(work, 'state');
    const argv = [...runtime.entrypoint, ...runtime.cmd].map((a) =>
      a === '/etc/keel/keel.yaml' ? cfg : inImage(a),
    );
    assert.equal(argv[0], 'node');
    // One process: with workers the listeners' ports (0 here) are not in the log line read below.
    keel = spawn(process.execPath, [...argv.slice(1), '--workers', '1'], {
      cwd: inImage(runtime.workdir),
      env: {
        PATH: process.env.PATH,
        HOME: work,
        ...runtime.env,
        KEEL_UPSTREAM: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        STATE_DIRECTORY: state,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events = logEvents(keel);
    const started = await events.next('started', 60_000);
    // node has the flag a single gateway needs, so no launcher: the process started serves.
    assert.equal(started.pid, keel.pid, 'the entrypoint is the gateway itself');
    const gateway = `http://127.0.0.1:${(started.listeners as { port: number }[])[0]!.port}`;
    const admin = `http://127.0.0.1:${(started.admin as { port: number }).port}`;

    assert.equal((await fetch(`${admin}/healthz`)).status, 200);
    assert.equal(healthcheck(`${admin}/healthz`), 0);
    const res = await fetch(`${gateway}/hello`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'upstream saw /hello');
    assert.ok(existsSync(join(state, 'slo.sqlite')), 'the SLO state file is opened in STATE_DIRECTORY');

    // An in-flight request when SIGTERM arrives still gets its answer.
    const atUpstream = new Promise<void>((r) => {
      reachedUpstream = r;
    });
    const slow = fetch(`${gateway}/slow`);
    await atUpstream;
    const exited = new Promise<number | null>((r) => keel!.once('exit', (code) => r(code)));
    keel.kill('SIGTERM');
    const drain = await events.next('drain', 30_000);
    assert.deepEqual([drain.phase, drain.in_flight], ['start', 1]);
    held.shift()!.writeHead(200).end('late but whole');
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), 'late but whole');
    assert.equal(await withDeadline(exited, 30_000, 'keel exits'), 0);
    assert.notEqual(healthcheck(`${admin}/healthz`), 0, 'the health check fails once Keel is gone');
  });
});

/** A path of the image's filesystem on this machine. */
function inImage(p: string): string {
  return p.startsWith('/') ? join(runtime.root, p) : p;
}

function swapOnce(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `the image's config has "${from}" once`);
  return text.replace(from, to);
}

/** The HEALTHCHECK command as Docker runs it in the container; its exit code. */
function healthcheck(url: string): number | null {
  const [cmd, ...args] = runtime.healthcheck!;
  assert.equal(cmd, 'node');
  const r = spawnSync(process.execPath, args.map(inImage), {
    env: { PATH: process.env.PATH, KEEL_HEALTHCHECK_URL: url },
    timeout: 20_000,
  });
  return r.status;
}

/** Keel's JSON log lines on stdout, awaited by their `event` field. */
function logEvents(child: ChildProcess) {
  const seen: Record<string, unknown>[] = [];
  let wake: () => void = () => undefined;
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      seen.push(JSON.parse(line) as Record<string, unknown>);
      wake();
    } catch {
      // not a log line
    }
  });
  child.on('exit', () => wake());
  return {
    async next(event: string, ms: number): Promise<Record<string, unknown>> {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = seen.findIndex((e) => e.event === event);
        if (i >= 0) return seen.splice(i, 1)[0]!;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`no "${event}" log line (exit ${child.exitCode}); stderr: ${stderr}`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, deadline - Date.now());
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    },
  };
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
