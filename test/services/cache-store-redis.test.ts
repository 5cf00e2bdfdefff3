/**
 * Tier 2 (needs Redis): the cache store contract against the machine's Redis (127.0.0.1:6379,
 * under a unique key prefix removed afterwards) for the Redis and tiered stores, and the failure
 * cases of docs/caching.md "Tiers" against Redis servers this test owns: a closed port, and a
 * redis-server stopped and restarted while traffic runs. No call may reject or outlast its budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleEntry, storeContract, waitFor } from '../../src/proxy/cache/store/contract.test-util.js';
import { MemoryStore } from '../../src/proxy/cache/store/memory.js';
import { RedisStore, type RedisStoreOptions } from '../../src/proxy/cache/store/redis.js';
import { TieredStore } from '../../src/proxy/cache/store/tiered.js';
import { freePort } from '../integration/control-util.js';
import { OwnRedis } from './own-redis.js';

const RUN = `keel:test:${process.pid}-${Date.now().toString(36)}:`;
/** Budget per operation, and what a loaded 2-core CI box may add to it before we call it late. */
const TIMEOUT_MS = 50;
const SLACK_MS = 250;
let caseNo = 0;

async function openRedis(opts: RedisStoreOptions = {}): Promise<RedisStore> {
  const store = new RedisStore({ redis: { host: '127.0.0.1', port: 6379 }, timeoutMs: 200, ...opts });
  await waitFor(async () => store.health().status === 'ready', 5000, 'redis ready');
  return store;
}

/** Resolves within the budget and never rejects: the contract of every store call here. */
async function timed<T>(p: Promise<T>): Promise<T> {
  const t0 = Date.now();
  const v = await p;
  const ms = Date.now() - t0;
  assert.ok(ms <= TIMEOUT_MS + SLACK_MS, `call took ${ms} ms`);
  return v;
}

storeContract('redis', async () => {
  const prefix = `${RUN}${++caseNo}:`;
  const store = await openRedis({ keyPrefix: prefix });
  return {
    store,
    ttlMs: 300,
    passTime: () => {},
    exactStats: false,
    dispose: async () => {
      await store.purgePrefix('');
      await store.close();
    },
  };
});

storeContract('tiered (memory + redis)', async () => {
  // Real time plus scripted jumps: Redis expires on the real clock, so a memory tier refilled from
  // Redis must keep counting real time too.
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const far = await openRedis({ keyPrefix: `${RUN}${++caseNo}:` });
  const store = new TieredStore(new MemoryStore({ maxBytes: 1 << 20, clock }), far);
  return {
    store,
    ttlMs: 300,
    passTime: (ms) => {
      offset += ms;
    },
    exactStats: true,
    dispose: async () => {
      await far.purgePrefix('');
      await store.close();
    },
  };
});

describe('TieredStore', () => {
  it('fills memory from a Redis hit written by another instance', async () => {
    const keyPrefix = `${RUN}${++caseNo}:`;
    const [r1, r2] = await Promise.all([openRedis({ keyPrefix }), openRedis({ keyPrefix })]);
    const a = new TieredStore(new MemoryStore({ maxBytes: 1 << 20 }), r1);
    const b = new TieredStore(new MemoryStore({ maxBytes: 1 << 20 }), r2);
    try {
      await a.set('shared', sampleEntry(9), 60_000);
      assert.equal(b.stats().entries, 0);
      assert.deepEqual(await b.get('shared'), sampleEntry(9));
      assert.equal(b.stats().entries, 1, 'filled from redis');
      const hit = await b.lookup('shared');
      assert.ok(hit && hit.ttlMs <= 60_000 && hit.ttlMs > 50_000);
    } finally {
      await r1.purgePrefix('');
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('RedisStore when Redis is unreachable', () => {
  it('answers misses and no-ops within the timeout, counting degraded operations', async () => {
    const port = await freePort();
    const store = new RedisStore({ redis: { host: '127.0.0.1', port }, timeoutMs: TIMEOUT_MS });
    try {
      for (let i = 0; i < 5; i++) {
        assert.equal(await timed(store.get(`k${i}`)), undefined);
        await timed(store.set(`k${i}`, sampleEntry(i), 60_000));
        assert.equal(await timed(store.delete(`k${i}`)), false);
      }
      assert.equal(await store.purgePrefix(''), 0);
      const h = store.health();
      assert.equal(h.degraded, true);
      assert.ok(h.failures >= 15, `failures ${h.failures}`);
      assert.equal(store.stats().degraded, h.failures);
      const tiered = new TieredStore(new MemoryStore({ maxBytes: 1 << 20 }), store);
      await timed(tiered.set('m', sampleEntry(1), 60_000));
      assert.deepEqual(await timed(tiered.get('m')), sampleEntry(1), 'memory carries on alone');
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore when Redis is stopped and restarted during traffic', () => {
  it('never rejects, misses during the outage, and works again after the restart', async () => {
    const port = await freePort();
    const redis = new OwnRedis(port);
    await redis.start();
    const store = new RedisStore({
      redis: { host: '127.0.0.1', port },
      timeoutMs: TIMEOUT_MS,
      maxReconnectDelayMs: 100,
    });
    try {
      await waitFor(async () => store.health().status === 'ready', 5000, 'own redis ready');
      let i = 0;
      const step = async (): Promise<boolean> => {
        const k = `k${i++ % 20}`;
        await timed(store.set(k, sampleEntry(i), 60_000));
        const got = await timed(store.get(k));
        return got !== undefined;
      };
      for (let n = 0; n < 20; n++) assert.equal(await step(), true, 'before the outage');
      assert.equal(store.health().failures, 0);

      await redis.stop();
      for (let n = 0; n < 20; n++) assert.equal(await step(), false, 'a miss during the outage');
      const during = store.health();
      assert.equal(during.degraded, true);
      assert.ok(during.failures >= 40, `failures ${during.failures}`);

      await redis.start();
      await waitFor(step, 10_000, 'set/get to work again after the restart');
      for (let n = 0; n < 20; n++) assert.equal(await step(), true, 'after the restart');
      assert.equal(store.health().degraded, false);
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
