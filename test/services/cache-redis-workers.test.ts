/**
 * Tier 2 (needs redis-server on 127.0.0.1:6379): Redis as the fleet's tier behind the machine
 * store (docs/caching.md, "Tiers"). Two `keel run --workers 2` instances stand for two machines:
 * a response stored on one machine is in Redis for the other, which answers it without calling
 * its origin and keeps it in its own machine store for all its workers; a purge removes it from
 * the machine store and from Redis before it is answered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type CacheCluster, cacheCluster, workersWith } from '../integration/cache-workers-util.js';
import { send } from '../integration/proxy-util.js';

const PREFIX = `keel:test-workers:${process.pid}-${Date.now().toString(36)}:`;
const dir = mkdtempSync(join(tmpdir(), 'keel-cache-redis-workers-'));
const redis = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: true, maxRetriesPerRequest: 1 });
const clusters: CacheCluster[] = [];
after(async () => {
  for (const c of clusters) await c.close();
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function machine(): Promise<CacheCluster> {
  const c = await cacheCluster(dir, 2, {
    top: `cache: { redis: { url: "redis://127.0.0.1:6379/0", key_prefix: "${PREFIX}", timeout: 200ms } }\n`,
  });
  clusters.push(c);
  return c;
}

describe('the machine store with Redis behind it', () => {
  it('a fleet shares through Redis; each machine keeps what it got for all its workers; a purge reaches both tiers', async () => {
    await redis.connect();
    const a = await machine();
    const b = await machine();
    const host = 'shop.example';
    const key = `${PREFIX}GET ${host}/r`;
    a.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'from-a' };
    b.origin.script = { status: 200, headers: { 'cache-control': 'max-age=600' }, body: 'from-b' };
    const first = await send(`${a.url}/r`, { headers: { host } });
    assert.equal(first.body, 'from-a');
    // The Redis write follows the response: wait for it.
    for (let i = 0; i < 100 && (await redis.exists(key)) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await redis.exists(key), 1, 'stored in Redis too');

    // Machine b has never seen /r: its first worker answers from Redis, without calling its origin.
    const viaB = await send(`${b.url}/r`, { headers: { host } });
    assert.equal(viaB.body, 'from-a');
    assert.match(String(viaB.headers['cache-status']), /^keel; hit/);
    assert.equal(b.origin.hits, 0);
    // b's machine store now holds it: with Redis emptied, every worker of b still answers it.
    await redis.del(key);
    for (let i = 0; i < 4; i++) {
      assert.equal((await send(`${b.url}/r`, { headers: { host } })).body, 'from-a');
    }
    const lines = await b.logged('/r', 5);
    assert.equal(
      workersWith(lines, '/r', 'hit').size,
      2,
      'both workers of b answered from its machine store',
    );
    assert.equal(b.origin.hits, 0);

    // A purge on b: gone from b's machine store and from Redis when it is answered.
    await redis.set(key, 'x');
    const purged = await b.purge({ url: `${host}/r` });
    assert.equal(purged.status, 200);
    assert.equal(await redis.exists(key), 0, 'purged from Redis');
    const again = await send(`${b.url}/r`, { headers: { host } });
    assert.equal(again.body, 'from-b', 'b fills again from its origin');
    assert.equal(b.origin.hits, 1);
  });
});
