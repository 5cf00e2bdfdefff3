import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../core/clock.js';
import { sampleEntry, storeContract } from './contract.test-util.js';
import { LmdbStore } from './lmdb.js';
import { tempLmdbStore } from './lmdb.test-util.js';
import { dbKey } from './lmdb-env.js';
import { SNAPSHOT_MS } from './lmdb-window.js';
import { entrySize } from './types.js';

storeContract('lmdb (the machine store)', async () => {
  const clock = new ManualClock(1_000_000);
  const store = tempLmdbStore(clock);
  return {
    store,
    ttlMs: 1_000,
    passTime: (ms) => clock.advance(ms),
    exactStats: true,
    dispose: () => store.close(),
  };
});

describe('LmdbStore limits', () => {
  const size = entrySize('k0', sampleEntry(0, 1000));

  it('evicts the entry accessed longest ago when the machine budget is exceeded', async () => {
    const clock = new ManualClock(1_000_000);
    const store = tempLmdbStore(clock, { maxBytes: size * 3 });
    for (const k of ['k0', 'k1', 'k2']) await store.set(k, sampleEntry(0, 1000), 600_000);
    clock.advance(1_000);
    assert.ok(await store.get('k0'), 'k0 is read a second later: k1 becomes the oldest');
    store.flushTouches();
    await store.set('k3', sampleEntry(0, 1000), 600_000);
    assert.equal(await store.get('k1'), undefined);
    for (const k of ['k0', 'k2', 'k3']) assert.ok(await store.get(k), k);
    assert.deepEqual(store.stats(), { entries: 3, bytes: size * 3, evictions: 1, degraded: 0 });
    await store.close();
  });

  it('records an access at most once a second per entry', async () => {
    const clock = new ManualClock(1_000_000);
    const store = tempLmdbStore(clock, { maxBytes: size * 3 });
    for (const k of ['k0', 'k1', 'k2']) await store.set(k, sampleEntry(0, 1000), 600_000);
    clock.advance(400);
    assert.ok(await store.get('k0'), 'read within the second it was stored: nothing to record');
    store.flushTouches();
    await store.set('k3', sampleEntry(0, 1000), 600_000);
    assert.equal(await store.get('k0'), undefined, 'k0 was still the oldest');
    await store.close();
  });

  it('refuses an entry above maxObjectBytes and drops the older version under its key', async () => {
    const store = tempLmdbStore(new ManualClock(1_000), { maxObjectBytes: size + 10 });
    await store.set('k', sampleEntry(1, 1000), 60_000);
    assert.ok(await store.get('k'));
    await store.set('k', sampleEntry(2, 5000), 60_000);
    assert.equal(await store.get('k'), undefined);
    assert.deepEqual(store.stats(), { entries: 0, bytes: 0, evictions: 0, degraded: 0 });
    await store.close();
  });

  it('keeps a key longer than LMDB allows under a prefix and a hash of it', async () => {
    const store = tempLmdbStore(new ManualClock(1_000));
    const long = `GET example.com/${'a'.repeat(3000)}`;
    const other = `${long}b`;
    assert.notEqual(dbKey(long), long);
    assert.ok(dbKey(long).startsWith('GET example.com/aaa'));
    await store.set(long, sampleEntry(1), 60_000);
    await store.set(other, sampleEntry(2), 60_000);
    assert.deepEqual(await store.get(long), sampleEntry(1));
    assert.deepEqual(await store.get(other), sampleEntry(2));
    assert.equal(await store.purgePrefix('GET example.com/'), 2);
    await store.close();
  });

  it('answers from its decoded copy while the stamp is the same, and never after a replace', async () => {
    const clock = new ManualClock(1_000);
    const a = tempLmdbStore(clock);
    // A second store on the same directory: another worker's view of the machine store.
    const b = new LmdbStore({ dir: a.dir, maxBytes: 1 << 20, clock });
    await a.set('k', sampleEntry(1), 60_000);
    const first = b.peek('k');
    assert.ok(first);
    assert.equal(b.peek('k'), first, 'the same copy: no decode per hit');
    await a.set('k', sampleEntry(2), 60_000);
    b.refresh();
    const second = b.peek('k');
    assert.ok(second && second !== first && second.stamp > first.stamp);
    assert.deepEqual(second.entry, sampleEntry(2));
    await a.delete('k');
    b.refresh(); // one process: settling waits for other processes' snapshots only
    assert.equal(b.peek('k'), undefined);
    assert.equal(b.held().entries, 1, 'the copy is still held, and never answers: its stamp is gone');
    await b.close();
    await a.close();
  });

  it("reads a hot entry's stamp once per read window", async () => {
    const store = tempLmdbStore(new ManualClock(1_000));
    await store.set('k', sampleEntry(1), 60_000);
    const stamps = store.env.stamps;
    const read = stamps.getBinaryFast.bind(stamps);
    let reads = 0;
    stamps.getBinaryFast = (id: string, o?: Parameters<typeof read>[1]) => {
      reads++;
      return read(id, o);
    };
    store.refresh();
    const first = store.peek('k');
    assert.equal(store.peek('k'), first);
    assert.equal(store.peek('k'), first);
    assert.equal(reads, 1, 'one read in this window');
    await new Promise((r) => setTimeout(r, SNAPSHOT_MS + 5));
    assert.equal(store.peek('k'), first);
    assert.equal(reads, 2, 'the next window reads the stamp again');
    await store.delete('k');
    assert.equal(
      store.peek('k'),
      undefined,
      'a write of this process ends its window: it sees its own delete',
    );
    await store.close();
  });
});
