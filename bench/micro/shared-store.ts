/**
 * Micro benchmark behind the machine store's mechanism (docs/architecture.md, "One cache per
 * machine"): what a cache lookup costs when the workers of a machine share the cache, by each
 * candidate way of sharing it, in one process and interleaved rounds so a busy machine shifts
 * all of them alike. Prints the median ns per operation of each; asserts nothing.
 *
 *   memory             MemoryStore.lookupSync: the per-worker memory tier Keel had (the floor)
 *   lmdb-every         one LMDB read of the entry's 32-byte stamp record + the Map lookup of the
 *                      worker's decoded copy, on every lookup (lmdb renews its snapshot ~1/ms)
 *   lmdb-fresh         the same after resetting the read snapshot first, as a lookup would need
 *                      to see every other process's commits the instant they happen
 *   lmdb-body          one LMDB read of a whole 1.2 KiB entry (a hit without stamp and copy)
 *   peek               LmdbStore.peek, what Keel does, on 50 hot keys: the stamp is read once per
 *                      5 ms snapshot window, the decoded copy answers otherwise (Date.now
 *                      included, as in memory); a synchronous loop stays in one window
 *   peek-first         LmdbStore.peek as the first lookup of a window: a new snapshot and a read
 *   ipc                a round trip to another process over node's IPC channel (cluster's): the
 *                      primary owning the store, a worker asking it per lookup (wall time, and the
 *                      CPU the asking process spends)
 *   fill               LmdbStore.setSync of a 1.2 KiB entry: one write transaction (noSync)
 *   lease              LeaseTable.take + release: the two conditional writes of a coalesced fill
 *
 * Run: `npm run build && node dist/bench/micro/shared-store.js [rounds]`.
 */
import { spawn } from 'node:child_process';
import { systemClock } from '../../src/core/clock.js';
import { LmdbStore } from '../../src/proxy/cache/store/lmdb.js';
import { LeaseTable } from '../../src/proxy/cache/store/lmdb-leases.js';
import { makeCacheDir } from '../../src/proxy/cache/store/machine-dir.js';
import { MemoryStore } from '../../src/proxy/cache/store/memory.js';
import type { StoredEntry } from '../../src/proxy/cache/store/types.js';

const ROUNDS = Number(process.argv[2] ?? 7);
const KEYS = 1000;
const store = new LmdbStore({ dir: makeCacheDir('own'), maxBytes: 256 << 20, removeOnClose: true });
const memory = new MemoryStore({ maxBytes: 256 << 20 });
const leases = new LeaseTable(store, systemClock);
const keys = Array.from({ length: KEYS }, (_, i) => `GET 127.0.0.1:18820/page/${i}?q=${i * 7}`);
const entry: StoredEntry = {
  status: 200,
  headers: [
    ['content-type', 'text/html'],
    ['cache-control', 'public, max-age=3600'],
  ],
  body: Buffer.alloc(1200, 120),
  storedAt: Date.now(),
  requestTime: Date.now(),
  responseTime: Date.now(),
};
for (const k of keys) {
  store.setSync(k, entry, 3_600_000);
  memory.setSync(k, entry, 3_600_000);
}
const held = new Map(keys.map((k) => [k, store.peek(k)]));
const stamps = store.env.stamps;
const bodies = store.env.bodies;

function time(n: number, fn: (i: number) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

let sink = 0;
const sync: Record<string, [number, (i: number) => unknown]> = {
  memory: [400_000, (i) => memory.lookupSync(keys[i % KEYS]!)],
  'lmdb-every': [
    400_000,
    (i) => {
      const k = keys[i % KEYS]!;
      const r = stamps.getBinaryFast(k);
      if (r !== undefined) sink += r[0]!;
      return held.get(k);
    },
  ],
  'lmdb-fresh': [
    200_000,
    (i) => {
      const k = keys[i % KEYS]!;
      store.env.root.resetReadTxn();
      const r = stamps.getBinaryFast(k);
      if (r !== undefined) sink += r[0]!;
      return held.get(k);
    },
  ],
  'lmdb-body': [200_000, (i) => bodies.getBinaryFast(keys[i % KEYS]!)],
  peek: [400_000, (i) => store.peek(keys[i % 50]!)],
  'peek-first': [
    200_000,
    (i) => {
      store.refresh();
      return store.peek(keys[i % KEYS]!);
    },
  ],
  fill: [3_000, (i) => store.setSync(keys[i % KEYS]!, entry, 3_600_000)],
  lease: [
    3_000,
    (i) => {
      const k = keys[i % KEYS]!;
      store.peek(k);
      const token = leases.take(k, 5000, store.lastStamp);
      if (token > 0) leases.release(k, token);
    },
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
await store.close();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`machine store mechanisms, median of ${ROUNDS} interleaved rounds (ns per operation)`);
for (const [name, xs] of results) {
  console.log(
    `${name.padEnd(34)} ${median(xs).toFixed(0).padStart(7)}   [${xs.map((x) => x.toFixed(0)).join(' ')}]`,
  );
}
if (sink === -1) console.log(sink);
