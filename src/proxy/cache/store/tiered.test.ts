import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../core/clock.js';
import { sampleEntry, storeContract } from './contract.test-util.js';
import { MemoryStore } from './memory.js';
import { TieredStore } from './tiered.js';

// Tier 1 run of the contract, with a second memory store standing in for Redis; the Redis run is
// in test/services/cache-store-redis.test.ts.
storeContract('tiered (memory + memory)', async () => {
  const clock = new ManualClock(1_000);
  const store = new TieredStore(
    new MemoryStore({ maxBytes: 1 << 20, clock }),
    new MemoryStore({ maxBytes: 1 << 20, clock }),
  );
  return {
    store,
    ttlMs: 1_000,
    passTime: (ms) => clock.advance(ms),
    exactStats: true,
    dispose: () => store.close(),
  };
});

describe('TieredStore', () => {
  it('fills the near tier from a far hit, for the far tier remaining ttl', async () => {
    const clock = new ManualClock(0);
    const near = new MemoryStore({ maxBytes: 1 << 20, clock });
    const far = new MemoryStore({ maxBytes: 1 << 20, clock });
    const store = new TieredStore(near, far);
    await far.set('k', sampleEntry(1), 1_000);
    clock.advance(400);
    assert.deepEqual(await store.get('k'), sampleEntry(1));
    assert.equal((await near.lookup('k'))?.ttlMs, 600);
    await far.delete('k');
    assert.ok(await store.get('k'), 'served from the near tier');
    clock.advance(600);
    assert.equal(await store.get('k'), undefined, 'both tiers forget it together');
  });
});
