/**
 * Tier 2 (needs redis-server): the edge cache's Redis tier through real gateways (docs/caching.md,
 * "Tiers"): a fleet shares what one instance stored, and a Redis stopped and restarted during
 * traffic costs no request — the gateways carry on with memory alone and reconnect by themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CacheRig, cacheRig } from '../integration/cache-util.js';
import { freePort } from '../integration/control-util.js';
import { waitFor } from '../integration/proxy-util.js';
import { OwnRedis } from './own-redis.js';

const PREFIX = `keel:test-gw:${process.pid}-${Date.now().toString(36)}:`;
const rigs: CacheRig[] = [];
after(async () => {
  for (const r of rigs) await r.close();
});

async function rig(redisUrl: string, prefix: string): Promise<CacheRig> {
  const r = await cacheRig({}, { cache: { redis: { url: redisUrl, key_prefix: prefix, timeout: 100 } } });
  rigs.push(r);
  r.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'from-origin' };
  return r;
}

/** Waits until the gateway's Redis tier reports itself connected. */
async function redisUp(r: CacheRig): Promise<void> {
  await waitFor(() => r.gw.cache()?.stats().redis?.up === true, 'redis tier connected', 10_000);
}

describe('edge cache Redis tier', () => {
  it('one instance stores, another answers from Redis without calling its upstream', async () => {
    const prefix = `${PREFIX}shared:`;
    const a = await rig('redis://127.0.0.1:6379/0', prefix);
    const b = await rig('redis://127.0.0.1:6379/0', prefix);
    await Promise.all([redisUp(a), redisUp(b)]);
    const host = { host: 'shop.example' };
    const miss = await a.get('/p/1', host);
    assert.match(String(miss.headers['cache-status']), /stored/);
    // The Redis write is fire-and-forget after the response: poll b until it sees it.
    let hit = await b.get('/p/1', host);
    for (let i = 0; i < 50 && !/hit/.test(String(hit.headers['cache-status'])); i++)
      hit = await b.get('/p/1', host);
    assert.equal(hit.body, 'from-origin');
    assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    assert.equal(b.origin.hits, 0, 'b never called its own upstream');
    assert.equal(b.gw.cache()?.stats().entries, 1, 'the Redis hit filled b’s memory tier');
    await a.gw.cache()?.purgePrefix('');
  });

  describe('Redis stopped and restarted during traffic', () => {
    let own: OwnRedis;
    before(async () => {
      own = new OwnRedis(await freePort());
    });
    after(() => own.stop());

    it('every request is answered; memory carries on; the tier comes back by itself', async () => {
      await own.start();
      const url = own.url;
      const a = await rig(url, 'keel:outage:');
      const b = await rig(url, 'keel:outage:');
      await Promise.all([redisUp(a), redisUp(b)]);
      const host = { host: 'shop.example' };
      let n = 0;
      // New keys each time: every request looks in Redis (a memory hit would not touch it).
      const traffic = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++) {
          const r = await a.get(`/item/${n++}`, host);
          assert.equal(r.status, 200, `request ${n} during the test`);
          assert.equal(r.body, 'from-origin');
        }
      };
      await traffic(20);
      await own.stop();
      await waitFor(() => a.gw.cache()?.stats().redis?.up === false, 'a notices the outage', 10_000);
      await traffic(30);
      assert.ok((a.gw.cache()?.stats().redis?.failures ?? 0) >= 30, 'each miss found Redis down');
      assert.equal(a.gw.cache()?.stats().entries, 50, 'memory kept storing');
      assert.match(String((await a.get('/item/25', host)).headers['cache-status']), /^keel; hit/);
      await own.start();
      await redisUp(a);
      await redisUp(b);
      // A new key stored after the restart reaches the other instance through Redis again.
      const fresh = await a.get('/after-restart', host);
      assert.match(String(fresh.headers['cache-status']), /stored/);
      let hit = await b.get('/after-restart', host);
      for (let i = 0; i < 50 && !/hit/.test(String(hit.headers['cache-status'])); i++) {
        hit = await b.get('/after-restart', host);
      }
      assert.match(String(hit.headers['cache-status']), /^keel; hit/);
    });
  });
});
