/** `keel run --workers N` with a caching route in front of a scripted origin (the machine store's tests). */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Origin } from './cache-util.js';
import { freePort, type Spawned, spawnKeel, waitFor, workersUp } from './control-util.js';

export interface AccessRecord {
  worker: number;
  pid: number;
  method: string;
  path: string;
  status: number;
  cache: string | null;
}

export interface CacheCluster {
  keel: Spawned;
  origin: Origin;
  /** The gateway's base URL (a new connection per request: the cluster hands them out in turn). */
  url: string;
  admin: string;
  workers: number;
  pids: number[];
  /** The access lines logged so far. */
  access(): AccessRecord[];
  /** Waits until `n` access lines for `path` are logged. */
  logged(path: string, n: number): Promise<AccessRecord[]>;
  purge(body: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** The directory of the machine's store for this config (under the primary's machine directory). */
  storeDir(): string;
  close(): Promise<void>;
}

export async function cacheCluster(
  dir: string,
  workers: number,
  opts: { top?: string; route?: string } = {},
): Promise<CacheCluster> {
  const origin = await new Origin().listen();
  const [port, adminPort] = [await freePort(), await freePort()];
  const path = join(dir, `keel-${port}.yaml`);
  writeFileSync(
    path,
    `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort}, token: t0ken }\n${opts.top ?? ''}` +
      `pools:\n  app: { hosts: ["${origin.url}"], health: { outlier: { enabled: false } } }\n` +
      `routes:\n  - { name: all, pool: app, retry: { enabled: false }, cache: { ${opts.route ?? ''} } }\n`,
  );
  const keel = spawnKeel(['run', '-c', path, '--workers', String(workers)]);
  const admin = `http://127.0.0.1:${adminPort}`;
  const up = await workersUp(admin, keel, workers);
  const access = (): AccessRecord[] =>
    keel
      .output()
      .split('\n')
      .filter((l) => l.includes('"type":"access"'))
      .map((l) => JSON.parse(l) as AccessRecord);
  return {
    keel,
    origin,
    url: `http://127.0.0.1:${port}`,
    admin,
    workers,
    pids: up.workers.map((w) => w.pid),
    access,
    logged: (p, n) =>
      waitFor(`${n} access lines for ${p}`, () => {
        const lines = access().filter((a) => a.path === p);
        return lines.length >= n ? lines : undefined;
      }),
    purge: async (body) => {
      const res = await fetch(`${admin}/api/v1/cache/purge`, {
        method: 'POST',
        headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    storeDir: () => {
      // In /dev/shm when it has room, else under the temporary directory (machine-dir.ts).
      const prefix = `keel-cache-machine-${keel.child.pid}-`;
      for (const base of ['/dev/shm', tmpdir()]) {
        const root = existsSync(base) ? readdirSync(base).find((n) => n.startsWith(prefix)) : undefined;
        if (root === undefined) continue;
        const store = readdirSync(join(base, root)).find((n) => n.startsWith('store-'));
        if (store === undefined) throw new Error('no store in the machine directory');
        return join(base, root, store);
      }
      throw new Error('no machine directory for this keel');
    },
    close: async () => {
      if (keel.child.exitCode === null && keel.child.signalCode === null) {
        keel.child.kill('SIGTERM');
        await keel.exited;
      }
      await origin.close();
    },
  };
}

/** The workers that answered `path` with cache outcome `cache`. */
export function workersWith(lines: AccessRecord[], path: string, cache: string): Set<number> {
  return new Set(lines.filter((l) => l.path === path && l.cache === cache).map((l) => l.worker));
}
