/** Helpers for the control-plane integration tests (reload, shutdown, supervisor, demo). */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { WorkersResponse } from '../../src/admin/api-types.js';
import { type App, startApp } from '../../src/app/app.js';
import { adminToken } from '../../src/cli/admin-token.js';
import { validateConfig } from '../../src/config/index.js';
import { demoRawConfig } from '../../src/demo/config.js';
import { createLogger } from '../../src/telemetry/logging.js';

export interface Outcome {
  status: number; // 0 when the request failed without a response
  error: string; // error code ('ECONNREFUSED', 'ECONNRESET', …) or ''
  body: string;
}

export function get(url: string, agent: Agent | false = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, error: '', body }));
      res.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ status: 0, error: err.code ?? err.message, body }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 0, error: err.code ?? err.message, body: '' }),
    );
    req.end();
  });
}

/** `concurrency` loops of back-to-back GETs until stop() (or until `until` says a loop should end). */
export function loadLoop(
  url: string,
  opts: { concurrency: number; agent?: Agent | false; until?: (o: Outcome) => boolean },
) {
  const outcomes: Array<Outcome & { startedAt: number }> = [];
  let stopped = false;
  const loops = Array.from({ length: opts.concurrency }, async () => {
    while (!stopped) {
      const startedAt = Date.now();
      const o = { ...(await get(url, opts.agent ?? false)), startedAt };
      outcomes.push(o);
      if (opts.until?.(o)) return;
    }
  });
  return {
    outcomes,
    async stop(): Promise<Array<Outcome & { startedAt: number }>> {
      stopped = true;
      await Promise.all(loops);
      return outcomes;
    },
    done: Promise.all(loops),
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  deadlineMs = 10_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Rejects after `ms` with what was awaited: a deadline, so a broken run fails instead of hanging. */
export function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Alive and not a zombie waiting for its new parent to reap it (Linux /proc). */
export function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A port that was free a moment ago (for processes whose port the test must know up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 16 });
}

export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * The first output line matching `re`, as soon as keel writes it (an event, not a poll); rejects
   * if keel exits first or nothing matches within `deadlineMs`.
   */
  line(re: RegExp, deadlineMs?: number): Promise<string>;
}

/**
 * Spawns the built CLI (run from the repo root after `npm run build`), `nodeArgs` before it;
 * `detached` gives it a process group of its own, as a shell gives a foreground job.
 */
export function spawnKeel(args: string[], nodeArgs: string[] = [], detached = false): Spawned {
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KEEL_LOG_LEVEL: 'info' },
      detached,
    },
  );
  let out = '';
  let closed = false; // the process exited and its output was read to the end
  const waiting = new Set<() => void>();
  const onData = (c: Buffer) => {
    out += c.toString('utf8');
    for (const check of waiting) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.once('close', () => {
    closed = true;
    for (const check of waiting) check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = (re: RegExp, deadlineMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const settle = (finish: () => void) => {
        waiting.delete(check);
        clearTimeout(timer);
        finish();
      };
      const check = () => {
        const complete = out.split('\n').slice(0, -1); // the last piece is a line still being written
        const found = complete.find((l) => re.test(l));
        if (found !== undefined) settle(() => resolve(found));
        else if (closed) settle(() => reject(new Error(`keel exited before writing ${re}:\n${out}`)));
      };
      const timer = setTimeout(
        () =>
          settle(() => reject(new Error(`keel wrote no line matching ${re} in ${deadlineMs}ms:\n${out}`))),
        deadlineMs,
      );
      waiting.add(check);
      check();
    });
  return { child, output: () => out, exited, line };
}

export async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A demo-shaped app whose admin server binds 0.0.0.0 (beyond loopback) with an admin token,
 * reached through 127.0.0.1. Upstreams point at the discard port: these tests are about the
 * admin server's auth rules, not traffic.
 */
export async function startTokenAdminApp(token: string): Promise<{ app: App; base: string }> {
  const raw = demoRawConfig({ port: 0, adminPort: 0, upstreamUrls: ['http://127.0.0.1:9'] });
  raw.admin = { host: '0.0.0.0', port: 0, token };
  const loaded = validateConfig(raw);
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.problems));
  const app = await startApp({
    config: loaded.config,
    version: loaded.version,
    logger: createLogger({ level: 'silent' }),
  });
  return { app, base: `http://127.0.0.1:${app.admin!.port}` };
}

/**
 * Waits until the supervisor's admin API lists `n` (2) running workers with their pools, failing
 * at once (with its output) if the spawned keel exits; resolves with that listing.
 */
export function workersUp(admin: string, keel?: Spawned, n = 2): Promise<WorkersResponse> {
  return waitFor(
    `${n} workers`,
    async () => {
      if (keel && keel.child.exitCode !== null) throw new Error(`keel exited:\n${keel.output()}`);
      const w = await getJson<WorkersResponse>(`${admin}/api/v1/workers`);
      return w && w.workers.length === n && w.workers.every((x) => x.pools) ? w : undefined;
    },
    15_000,
  );
}

/**
 * POST to the admin API as the keel CLI does: a JSON body, `Content-Type: application/json`, and
 * the token — `token`, else the one the running Keel generated for that admin port
 * (docs/security.md, "The admin token").
 */
export function adminPost(admin: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const t = adminToken(admin, token);
  return fetch(`${admin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
