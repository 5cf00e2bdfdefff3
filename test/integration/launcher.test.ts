/**
 * `keel run --workers 1` started by a plain `node` runs the gateway in a second process with
 * `--no-memory-reducer` on its command line (src/cli/launcher.ts, docs/deploy.md "Which process to
 * signal"). The process started is the launcher: each signal sent to it reaches the gateway once,
 * it exits as the gateway exits, and a gateway whose launcher is killed drains and exits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { running, type Spawned, spawnKeel, waitFor, within } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-launcher-'));
const upstream = createServer((req, res) => {
  req.resume();
  res.end('ok');
});
let config = '';

before(async () => {
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  config = join(dir, 'keel.yaml');
  writeFileSync(
    config,
    `listeners: [{ port: 0 }]\nadmin: { port: 0 }\nshutdown: { drain_timeout: 5s }\npools:\n  app: { hosts: ["${origin}"] }\nroutes:\n  - pool: app\n`,
  );
});
after(() => {
  upstream.closeAllConnections();
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  pid: number;
  launcher_pid?: number;
  listeners: Array<{ port: number }>;
}

function nodeArgs(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** Fields 4 (parent PID) and 5 (process group) of /proc/PID/stat. */
function statOf(pid: number): { ppid: number; pgrp: number } {
  // The command name in field 2 may hold spaces; the fields after its closing parenthesis do not.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** Resolves once `pid` has exited; rejects after `ms`. */
function gone(pid: number, ms = 15_000): Promise<boolean> {
  return waitFor(`PID ${pid} to exit`, () => !running(pid) || undefined, ms);
}

async function start(
  args: string[],
  node: string[] = [],
  detached = false,
): Promise<{ keel: Spawned; started: Started }> {
  const keel = spawnKeel(['run', '-c', config, '--workers', '1', ...args], node, detached);
  const started = JSON.parse(await keel.line(/"event":"started"/)) as Started;
  const res = await fetch(`http://127.0.0.1:${started.listeners[0]!.port}/`);
  assert.equal(await res.text(), 'ok', 'the gateway serves');
  return { keel, started };
}

describe('keel run --workers 1: the launcher', () => {
  it('runs the gateway as its child with --no-memory-reducer; SIGHUP reloads once, SIGTERM drains, exit 0', async () => {
    const { keel, started } = await start([]);
    try {
      const launcher = keel.child.pid!;
      assert.notEqual(started.pid, launcher, 'the gateway is a process of its own');
      assert.equal(started.launcher_pid, launcher, 'the started line names the launcher');
      assert.equal(statOf(started.pid).ppid, launcher);
      // A group of its own: a terminal's Ctrl-C signals the launcher's group, and the gateway gets
      // it once, relayed; in the same group it would get it twice, and a second SIGINT skips the drain.
      assert.notEqual(statOf(started.pid).pgrp, statOf(launcher).pgrp);
      assert.ok(nodeArgs(started.pid).includes('--no-memory-reducer'), nodeArgs(started.pid).join(' '));
      assert.ok(!nodeArgs(launcher).includes('--no-memory-reducer'));

      keel.child.kill('SIGHUP');
      await keel.line(/"event":"config.reload".*"source":"sighup"/);
      keel.child.kill('SIGTERM');
      await keel.line(/"event":"drain","phase":"done"/);
      assert.deepEqual(
        await within('keel to exit', 15_000, keel.exited),
        { code: 0, signal: null },
        keel.output(),
      );
      assert.ok(await gone(started.pid), 'the gateway exited');
      const reloads = keel.output().match(/"event":"config.reload".*"source":"sighup"/g) ?? [];
      assert.equal(reloads.length, 1, `one SIGHUP, one reload:\n${keel.output()}`);
      assert.doesNotMatch(keel.output(), /second_signal/, 'SIGTERM reached the gateway once');
    } finally {
      keel.child.kill('SIGKILL');
    }
  });

  it("Ctrl-C, a SIGINT to the terminal's foreground group, reaches the gateway through the launcher: a drain, exit 0", async () => {
    const { keel, started } = await start([], [], true);
    try {
      process.kill(-keel.child.pid!, 'SIGINT'); // what a terminal does on Ctrl-C
      assert.deepEqual(
        await within('keel to exit', 15_000, keel.exited),
        { code: 0, signal: null },
        keel.output(),
      );
      assert.match(keel.output(), /"event":"drain","phase":"done"/);
      assert.ok(await gone(started.pid), 'the gateway exited');
    } finally {
      keel.child.kill('SIGKILL');
    }
  });

  it('a gateway that dies of a signal takes the launcher with it, by the same signal', async () => {
    const { keel, started } = await start([]);
    try {
      process.kill(started.pid, 'SIGKILL');
      assert.deepEqual(await within('keel to exit', 15_000, keel.exited), { code: null, signal: 'SIGKILL' });
    } finally {
      keel.child.kill('SIGKILL');
    }
  });

  it('a gateway whose launcher is killed drains and exits', async () => {
    const { keel, started } = await start([]);
    keel.child.kill('SIGKILL');
    const line = JSON.parse(await keel.line(/"reason":"parent_gone"/)) as { parent_pid: number };
    assert.equal(line.parent_pid, keel.child.pid);
    assert.ok(await gone(started.pid), `the gateway exited:\n${keel.output()}`);
  });

  it('no launcher when node already has the flag, with --heap-growth 0, or under the inspector: one process', async () => {
    for (const [args, node, warning] of [
      [[], ['--no-memory-reducer'], null],
      [['--heap-growth', '0'], [], null],
      // Port 0: the inspector picks a free port, as every server in these tests does.
      [[], ['--inspect=127.0.0.1:0'], /warning: node's inspector is on, so keel runs as this one process/],
    ] as const) {
      const { keel, started } = await start([...args], [...node]);
      try {
        assert.equal(started.pid, keel.child.pid, `${node.join(' ')} run ${args.join(' ')}`);
        assert.equal(started.launcher_pid, undefined);
        if (warning) assert.match(keel.output(), warning);
        else assert.doesNotMatch(keel.output(), /warning: node's inspector/);
        keel.child.kill('SIGTERM');
        assert.deepEqual(await within('keel to exit', 15_000, keel.exited), { code: 0, signal: null });
      } finally {
        keel.child.kill('SIGKILL');
      }
    }
  });
});
