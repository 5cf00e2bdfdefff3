/**
 * Micro benchmark behind the machine store's mechanism (docs/architecture.md, "One cache per
 * machine"): what a cache lookup costs when the workers of a machine share the cache, by each
 * candidate way of sharing it, in one process and interleaved rounds so a busy machine shifts
 * all of them alike. Prints the median ns per operation of each; asserts nothing.
 *
 *   map              a Map.get: today's per-worker memory tier (the floor)
 *   lmdb             one LMDB read of an entry's 24-byte stamp record + the Map.get of the
 *                    worker's decoded copy: the machine store's hit
 *   lmdb-fresh       the same after resetting the read snapshot, as a lookup would to see every
 *                    other process's commits at once
 *   lmdb-body        one LMDB read of a whole 1.2 KiB entry (what a hit costs without the stamp
 *                    record and the decoded copy)
 *   ipc              a round trip to another process over node's IPC channel (cluster's): the
 *                    primary owning the store, a worker asking it per lookup (wall time, and the
 *                    CPU the asking process spends)
 *   fill             one fill: the entry, its stamp record and the byte total in one write
 *                    transaction (noSync)
 *   lease            the conditional write that takes a fill lease
 *
 * Run: `npm run build && node dist/bench/micro/shared-store.js [rounds]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';

const ROUNDS = Number(process.argv[2] ?? 7);
const KEYS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'keel-bench-lmdb-'));
const env = open({ path: dir, noSync: true, maxDbs: 8, mapSize: 1 << 30 });
const stamps = env.openDB({ name: 'stamps', encoding: 'binary' });
const bodies = env.openDB({ name: 'bodies', encoding: 'binary' });
const meta = env.openDB({ name: 'meta', encoding: 'binary' });
const leases = env.openDB({ name: 'leases', encoding: 'binary' });
const keys = Array.from({ length: KEYS }, (_, i) => `GET 127.0.0.1:18820/page/${i}?q=${i * 7}`);
const rec = Buffer.alloc(24);
const body = Buffer.alloc(1200, 120);
env.transactionSync(() => {
  for (const k of keys) {
    stamps.putSync(k, rec);
    bodies.putSync(k, body);
  }
});
const local = new Map(keys.map((k) => [k, { stamp: 0, entry: body }]));

function time(n: number, fn: (i: number) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

let sink = 0;
const sync: Record<string, [number, (i: number) => unknown]> = {
  map: [400_000, (i) => local.get(keys[i % KEYS]!)],
  lmdb: [
    400_000,
    (i) => {
      const k = keys[i % KEYS]!;
      const r = stamps.getBinaryFast(k);
      if (r !== undefined) sink += r[0]!;
      return local.get(k);
    },
  ],
  'lmdb-fresh': [
    200_000,
    (i) => {
      const k = keys[i % KEYS]!;
      stamps.resetReadTxn();
      const r = stamps.getBinaryFast(k);
      if (r !== undefined) sink += r[0]!;
      return local.get(k);
    },
  ],
  'lmdb-body': [200_000, (i) => bodies.getBinaryFast(keys[i % KEYS]!)],
  fill: [
    3_000,
    (i) =>
      env.transactionSync(() => {
        const k = keys[i % KEYS]!;
        const t = meta.getBinaryFast('bytes');
        sink += t === undefined ? 0 : t.length;
        stamps.putSync(k, rec);
        bodies.putSync(k, body);
        meta.putSync('bytes', rec);
      }),
  ],
  lease: [
    3_000,
    (i) =>
      env.transactionSync(() => {
        const k = keys[i % KEYS]!;
        if (leases.getBinaryFast(k) === undefined) leases.putSync(k, rec);
        else leases.removeSync(k);
      }),
  ],
};

const CHILD = 'process.on("message", (m) => process.send(m));';
const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
async function ipc(n: number): Promise<[number, number]> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => {
      child.once('message', resolve);
      child.send({ key: keys[i % KEYS] });
    });
  }
  const wall = Number(process.hrtime.bigint() - t0) / n;
  const c = process.cpuUsage(cpu0);
  return [wall, ((c.user + c.system) * 1000) / n];
}

const results = new Map<string, number[]>();
const add = (k: string, v: number): void => {
  results.set(k, [...(results.get(k) ?? []), v]);
};
for (const [, [n, fn]] of Object.entries(sync)) time(Math.min(n, 20_000), fn); // warm-up
await ipc(500);
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, [n, fn]] of Object.entries(sync)) add(name, time(n, fn));
  const [wall, cpu] = await ipc(5_000);
  add('ipc (wall)', wall);
  add('ipc (CPU of the asking process)', cpu);
}
child.kill();
env.close();
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`machine store mechanisms, median of ${ROUNDS} interleaved rounds (ns per operation)`);
for (const [name, xs] of results) {
  console.log(
    `${name.padEnd(34)} ${median(xs).toFixed(0).padStart(7)}   [${xs.map((x) => x.toFixed(0)).join(' ')}]`,
  );
}
if (sink === -1) console.log(sink);
