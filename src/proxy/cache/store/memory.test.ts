import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../core/clock.js';
import { sampleEntry, storeContract } from './contract.test-util.js';
import { MemoryStore } from './memory.js';
import { entrySize } from './types.js';

storeContract('memory', async () => {
  const clock = new ManualClock(1_000);
  const store = new MemoryStore({ maxBytes: 1 << 20, clock });
  return {
    store,
    ttlMs: 1_000,
    passTime: (ms) => clock.advance(ms),
    exactStats: true,
    dispose: () => store.close(),
  };
});

describe('MemoryStore limits', () => {
  const size = entrySize('k0', sampleEntry(0, 1000));

  it('evicts the least recently used entry when the byte budget is exceeded', async () => {
    const store = new MemoryStore({ maxBytes: size * 3, clock: new ManualClock(), touchIntervalMs: 0 });
    for (const k of ['k0', 'k1', 'k2']) await store.set(k, sampleEntry(0, 1000), 60_000);
    assert.ok(await store.get('k0'), 'touching k0 makes k1 the oldest');
    await store.set('k3', sampleEntry(0, 1000), 60_000);
    assert.equal(await store.get('k1'), undefined);
    for (const k of ['k0', 'k2', 'k3']) assert.ok(await store.get(k), k);
    assert.deepEqual(store.stats(), { entries: 3, bytes: size * 3, evictions: 1, degraded: 0 });
  });

  it('refreshes recency at most once per touch interval', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore({ maxBytes: size * 3, clock, touchIntervalMs: 1000 });
    for (const k of ['k0', 'k1', 'k2']) await store.set(k, sampleEntry(0, 1000), 60_000);
    clock.advance(500);
    assert.ok(await store.get('k0'), 'a hit within the interval leaves k0 the oldest');
    await store.set('k3', sampleEntry(0, 1000), 60_000);
    assert.equal(await store.get('k0'), undefined);
    clock.advance(1000);
    assert.ok(await store.get('k1'), 'a hit after the interval makes k1 the youngest');
    await store.set('k4', sampleEntry(0, 1000), 60_000);
    assert.ok(await store.get('k1'));
    assert.equal(await store.get('k2'), undefined);
  });

  it('evicts as many entries as one large entry needs', async () => {
    const store = new MemoryStore({ maxBytes: size * 3, clock: new ManualClock() });
    for (const k of ['k0', 'k1', 'k2']) await store.set(k, sampleEntry(0, 1000), 60_000);
    await store.set('big', sampleEntry(0, size * 2), 60_000);
    assert.equal(store.stats().evictions, 3);
    assert.equal(store.stats().entries, 1);
    assert.ok(store.stats().bytes <= size * 3);
  });

  it('refuses an object larger than maxObjectBytes and drops the older version', async () => {
    const store = new MemoryStore({ maxBytes: 100_000, maxObjectBytes: 2_000, clock: new ManualClock() });
    assert.equal(store.setSync('k', sampleEntry(0, 1000), 60_000), true);
    assert.equal(store.setSync('k', sampleEntry(0, 5000), 60_000), false);
    assert.equal(await store.get('k'), undefined, 'a refused replacement does not leave a stale body');
    assert.deepEqual(store.stats(), { entries: 0, bytes: 0, evictions: 0, degraded: 0 });
  });

  it('keeps bytes equal to the sum of live entries through a random workload', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ maxBytes: size * 5, clock });
    const live = new Map<string, number>();
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const k = `k${seed % 12}`;
      if (seed % 5 === 0) {
        await store.delete(k);
        live.delete(k);
      } else {
        const e = sampleEntry(seed, seed % 1500);
        await store.set(k, e, 60_000);
        live.set(k, entrySize(k, e));
      }
      const s = store.stats();
      assert.ok(s.bytes <= size * 5, 'never over budget');
      let sum = 0;
      for (const k2 of live.keys()) {
        const got = store.lookupSync(k2);
        if (got === undefined) live.delete(k2);
        else sum += live.get(k2)!;
      }
      assert.equal(store.stats().bytes, sum);
      assert.equal(store.stats().entries, live.size);
    }
  });
});
