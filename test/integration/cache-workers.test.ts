/**
 * One cache for the machine (docs/caching.md, "The machine store"): with `keel run --workers N`
 * (N = 2 and 3) a response stored by one worker is a hit on every worker, a purge and an unsafe
 * method's invalidation reach every worker before they are answered, concurrent misses on any
 * worker send one request upstream, the memory bound holds for the machine, and a worker killed
 * with SIGKILL in the middle of a fill leaves the store readable and the others unblocked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { LmdbStore } from '../../src/proxy/cache/store/lmdb.js';
import { AT_STAMP, readTotals } from '../../src/proxy/cache/store/lmdb-env.js';
import { type CacheCluster, cacheCluster, workersWith } from './cache-workers-util.js';
import { get, getJson, waitFor, workersUp } from './control-util.js';
import { parse, scrape, sum } from './metrics-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-cache-workers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MAX_BYTES = 256 * 1024;

for (const N of [2, 3]) {
  describe(`one cache for ${N} workers`, () => {
    let c: CacheCluster;
    before(async () => {
      c = await cacheCluster(dir, N, {
        top: `cache: { memory: { max_bytes: ${MAX_BYTES} } }\n`,
        route: 'lock_timeout: 1m',
      });
    });
    after(() => c.close());

    const metric = async (name: string): Promise<number> => sum(parse((await scrape(c.admin)).text), name);

    it('a response stored by one worker is a hit on every worker', async () => {
      c.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'shared' };
      // A new connection per request: the cluster hands them to the workers in turn.
      for (let i = 0; i < 4 * N; i++) assert.equal((await get(`${c.url}/hit`)).body, 'shared');
      assert.equal(c.origin.hits, 1, 'one fill for the machine');
      const lines = await c.logged('/hit', 4 * N);
      assert.equal(lines.filter((l) => l.cache === 'miss').length, 1);
      assert.equal(workersWith(lines, '/hit', 'hit').size, N, 'every worker answered hits');
    });

    it('20 GETs of one URL on 20 fresh connections at once send exactly 1 request upstream', async () => {
      const before = c.origin.hits;
      c.origin.script = {
        status: 200,
        headers: { 'cache-control': 'max-age=600' },
        body: 'herd',
        hold: true,
      };
      const replies = Array.from({ length: 20 }, () => get(`${c.url}/herd`));
      await waitFor('the leader at the origin', () => c.origin.held === 1 || undefined);
      await waitFor(
        '19 requests waiting on its fill',
        async () => (await metric('keel_cache_waiting')) === 19 || undefined,
      );
      c.origin.release();
      const got = await Promise.all(replies);
      assert.deepEqual(
        got.map((r) => `${r.status} ${r.body}`),
        Array(20).fill('200 herd'),
      );
      assert.equal(c.origin.hits, before + 1);
      const lines = await c.logged('/herd', 20);
      assert.ok(workersWith(lines, '/herd', 'coalesced').size >= N - 1, 'waiters on the other workers too');
    });

    it('a purge reaches every worker before it is answered', async () => {
      c.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'v1' };
      for (let i = 0; i < 2 * N; i++) assert.equal((await get(`${c.url}/p`)).body, 'v1');
      const before = c.origin.hits;
      c.origin.script = { ...c.origin.script, body: 'v2' };
      const res = await c.purge({ url: `${new URL(c.url).host}/p` });
      assert.deepEqual(res, { status: 200, body: { purged: 1 } });
      for (let i = 0; i < 2 * N; i++) assert.equal((await get(`${c.url}/p`)).body, 'v2', `request ${i}`);
      assert.equal(c.origin.hits, before + 1);
    });

    it("an unsafe method's invalidation reaches every worker before its answer is sent", async () => {
      c.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'v1' };
      for (let i = 0; i < 2 * N; i++) assert.equal((await get(`${c.url}/inv`)).body, 'v1');
      c.origin.script = { ...c.origin.script, body: 'v3' };
      const post = await fetch(`${c.url}/inv`, { method: 'POST', body: 'x', keepalive: false });
      assert.equal(post.status, 200);
      await post.text();
      for (let i = 0; i < 2 * N; i++) assert.equal((await get(`${c.url}/inv`)).body, 'v3', `request ${i}`);
    });

    it('the memory bound is the machine’s: its byte total stays within max_bytes, evicting the oldest', async () => {
      const body = 'b'.repeat(8 * 1024);
      c.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body };
      for (let i = 0; i < 60; i++) assert.equal((await get(`${c.url}/big/${i}`)).body.length, body.length);
      const samples = parse((await scrape(c.admin)).text);
      const bytes = sum(samples, 'keel_cache_bytes');
      const entries = sum(samples, 'keel_cache_entries');
      assert.ok(bytes <= MAX_BYTES, `${bytes} bytes`);
      // What fits the machine's budget once (a bound per worker would hold N times as much).
      assert.ok(entries <= MAX_BYTES / body.length + 4, `${entries} entries`);
      assert.ok(sum(samples, 'keel_cache_evictions_total') >= 60 - entries);
      // The workers all read the same totals, from the store itself.
      const store = new LmdbStore({ dir: c.storeDir(), maxBytes: MAX_BYTES, clock: new ManualClock(0) });
      const t = readTotals(store.env.meta);
      await store.close();
      assert.ok(t.bytes <= MAX_BYTES);
      assert.equal(t.entries, entries);
    });

    it('a worker killed with SIGKILL mid-fill: the others stop waiting for its lease, and the store stays readable', async () => {
      c.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'kept' };
      assert.equal((await get(`${c.url}/kept`)).body, 'kept');
      c.origin.script = {
        status: 200,
        headers: { 'cache-control': 'max-age=600' },
        body: 'late',
        hold: true,
      };
      const held = c.origin.held;
      const leader = get(`${c.url}/dead`);
      await waitFor('the leader at the origin', () => c.origin.held === held + 1 || undefined);
      // The lease names its owner: the worker to kill.
      const store = new LmdbStore({ dir: c.storeDir(), maxBytes: MAX_BYTES, clock: new ManualClock(0) });
      const key = `GET ${new URL(c.url).host}/dead`;
      const lease = store.env.leases.getBinary(key);
      assert.ok(lease, 'a lease for the key being filled');
      const owner = lease.readUInt32LE(16);
      assert.ok(c.pids.includes(owner));
      const others = Array.from({ length: 2 * N }, () => get(`${c.url}/dead`));
      await waitFor(
        'requests waiting on the fill',
        async () => (await metric('keel_cache_waiting')) >= 1 || undefined,
      );
      const t0 = Date.now();
      process.kill(owner, 'SIGKILL');
      // Waiters elsewhere see the lease's owner gone and go upstream themselves.
      await waitFor('the waiters at the origin', () => c.origin.held >= held + 2 || undefined);
      c.origin.release();
      const got = await Promise.all(others);
      assert.ok(
        got.some((r) => r.status === 200 && r.body === 'late'),
        JSON.stringify(got),
      );
      for (const r of got) assert.ok(r.status === 0 || r.body === 'late', `${r.status} ${r.body}`);
      assert.ok(Date.now() - t0 < 10_000, 'well before the lock timeout (1 minute)');
      assert.notEqual((await leader).body, 'late', 'the leader’s client lost its connection');
      // The restarted worker opens the same store: every worker answers the stored entries.
      await waitFor('the worker restarted', async () => {
        const w = await workersUp(c.admin, c.keel, N);
        return w.workers.every((x) => x.pid !== owner) ? w : undefined;
      });
      const up = await getJson<{ workers: Array<{ pid: number }> }>(`${c.admin}/api/v1/workers`);
      c.pids = up!.workers.map((w) => w.pid);
      const n = c.access().filter((l) => l.path === '/kept').length;
      for (let i = 0; i < 3 * N; i++) assert.equal((await get(`${c.url}/kept`)).body, 'kept');
      const lines = (await c.logged('/kept', n + 3 * N)).slice(n);
      assert.equal(workersWith(lines, '/kept', 'hit').size, N);
      assert.deepEqual(new Set(lines.map((l) => l.cache)), new Set(['hit']));
      const stamp = store.env.stamps.getBinaryFast(`GET ${new URL(c.url).host}/kept`)?.readDoubleLE(AT_STAMP);
      assert.ok(stamp !== undefined && stamp > 0);
      await store.close();
    });
  });
}
