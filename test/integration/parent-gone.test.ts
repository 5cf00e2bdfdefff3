/**
 * `npx keel run` is three processes: npm, the shell npm runs the command with, and node running
 * Keel (docs/deploy.md, "Which process to signal"); with `--workers 1`, Keel is itself a launcher
 * and the gateway it starts. A SIGTERM to npm ends npm and the shell and never reaches Keel. Keel
 * started by npm therefore watches its parent: here the chain is built the way npm builds it
 * (`sh -c "node …/main.js run …"`, npm's variables in the environment), the shell is killed with a
 * request in flight, and the launcher must go, and the gateway notice, drain that request and exit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { running, waitFor } from './control-util.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'keel-parent-gone-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Keel started by npm drains and exits when its parent is killed', () => {
  it('sh -c "node main.js run …" with npm_lifecycle_event: kill the sh, Keel drains the request in flight and exits', async () => {
    let held = null as ServerResponse | null;
    let onHeld = (): void => undefined;
    const upstream = createServer((req, res) => {
      req.resume();
      if (req.url !== '/slow') return void res.end('ok');
      held = res;
      onHeld();
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const config = join(dir, 'keel.yaml');
    writeFileSync(
      config,
      `listeners: [{ port: 0 }]\nadmin: { port: 0 }\nshutdown: { drain_timeout: 20s }\npools:\n  app: { hosts: ["${origin}"] }\nroutes:\n  - pool: app\n`,
    );
    // `; exit $?` keeps the shell from replacing itself with node: the chain stays sh → node.
    const sh = spawn(
      '/bin/sh',
      ['-c', `"${process.execPath}" "${MAIN}" run -c "${config}" --workers 1; exit $?`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          npm_lifecycle_event: 'npx',
          KEEL_RUNTIME_DIR: join(dir, 'run'),
          KEEL_LOG_LEVEL: 'info',
        },
      },
    );
    let out = '';
    const waiting = new Set<() => void>();
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      for (const w of waiting) w();
    };
    sh.stdout.on('data', onData);
    sh.stderr.on('data', onData);
    // Both ends of the pipe close once the shell and Keel (which inherited it) have exited.
    const closed = new Promise<void>((r) => sh.stdout.once('close', () => r()));
    const line = (re: RegExp, ms = 15_000) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${re} in ${ms} ms:\n${out}`)), ms);
        const check = () => {
          const found = out
            .split('\n')
            .slice(0, -1)
            .find((l) => re.test(l));
          if (found === undefined) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(JSON.parse(found) as Record<string, unknown>);
        };
        waiting.add(check);
        check();
      });
    try {
      const started = await line(/"event":"started"/);
      const pid = started.pid as number;
      const launcher = started.launcher_pid as number;
      assert.ok(
        Number.isInteger(launcher),
        'node without --no-memory-reducer: keel run launches the gateway',
      );
      const port = (started.listeners as Array<{ port: number }>)[0]!.port;
      assert.notEqual(pid, sh.pid, "Keel runs as the shell's child, not in its place");
      const isHeld = new Promise<void>((r) => {
        onHeld = r;
      });
      const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
      await isHeld;

      sh.kill('SIGTERM'); // what npm does to its child when npm itself gets SIGTERM
      const gone = await line(/"reason":"parent_gone"/);
      assert.equal(gone.parent_pid, launcher);
      assert.match(String(gone.msg), /parent process \d+ is gone.*draining as on SIGTERM/);
      await line(/"event":"drain","phase":"start","in_flight":1/);
      assert.ok(running(pid), 'Keel waits for the request in flight');

      held!.end('finished');
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'finished');
      await line(/"event":"drain","phase":"done","in_flight":0/);
      await closed;
      await waitFor('Keel to exit', () => !running(pid) || undefined, 5000);
      assert.equal(running(launcher), false, 'the launcher exited');
    } finally {
      if (sh.exitCode === null && sh.signalCode === null) sh.kill('SIGKILL');
      held?.end();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
