import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type CacheStore, entrySize, type StoredEntry } from './types.js';

/**
 * One contract suite, run against every cache store (docs/architecture.md, "Contract tests";
 * after honojs/hono src/router/common.case.test.ts): memory here in tier 1, redis and tiered in
 * test/services/cache-store-redis.test.ts (tier 2, needs Redis).
 */
export interface StoreHarness {
  store: CacheStore;
  /** TTL used by the expiry case: short enough to wait for on a real clock. */
  ttlMs: number;
  /** Moves any scripted clock past ms; real-clock stores let real time pass instead. */
  passTime(ms: number): void;
  /** Whether stats() counts entries and bytes exactly (the memory tier does; Redis does not). */
  exactStats: boolean;
  /** Removes what the case left behind (Redis keys) and closes the store. */
  dispose(): Promise<void>;
}

/** Polls cond until true or the deadline passes (no fixed sleeps, common rules). */
export async function waitFor(cond: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every byte value, a repeated header name and a non-ASCII header value. */
export function sampleEntry(seed = 0, bodyBytes = 256): StoredEntry {
  const body = Buffer.alloc(bodyBytes);
  for (let i = 0; i < bodyBytes; i++) body[i] = (i + seed) & 0xff;
  return {
    status: 200 + (seed % 7),
    headers: [
      ['content-type', 'application/octet-stream'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-note', `caf\u00e9 ${seed}`],
    ],
    body,
    storedAt: 1_700_000_000_000 + seed,
    requestTime: 1_700_000_000_000 + seed - 5,
    responseTime: 1_700_000_000_000 + seed - 1,
    varyKey: `accept-encoding=gzip;${seed}`,
    meta: { etag: `"v${seed}"`, route: 'api', nested: { n: seed, ok: true, none: null } },
  };
}

export function storeContract(name: string, make: () => Promise<StoreHarness>): void {
  describe(`cache store contract: ${name}`, () => {
    let h: StoreHarness | undefined;
    const open = async (): Promise<StoreHarness> => {
      h = await make();
      return h;
    };
    afterEach(async () => {
      await h?.dispose();
      h = undefined;
    });

    it('round-trips status, ordered headers, binary body, times, varyKey and meta', async () => {
      const { store } = await open();
      const e = sampleEntry(3);
      await store.set('k', e, 60_000);
      assert.deepEqual(await store.get('k'), e);
      const bare: StoredEntry = { ...sampleEntry(4, 0), varyKey: undefined, meta: undefined };
      delete bare.varyKey;
      delete bare.meta;
      await store.set('empty', bare, 60_000);
      assert.deepEqual(await store.get('empty'), bare);
    });

    it('misses an unknown key, replaces on set, and refuses ttl <= 0', async () => {
      const { store } = await open();
      assert.equal(await store.get('nope'), undefined);
      await store.set('k', sampleEntry(1), 60_000);
      await store.set('k', sampleEntry(2), 60_000);
      assert.deepEqual(await store.get('k'), sampleEntry(2));
      await store.set('zero', sampleEntry(1), 0);
      await store.set('neg', sampleEntry(1), -5);
      assert.equal(await store.get('zero'), undefined);
      assert.equal(await store.get('neg'), undefined);
    });

    it('reports the remaining ttl on lookup and forgets the entry after it', async () => {
      const harness = await open();
      const { store, ttlMs } = harness;
      await store.set('t', sampleEntry(5), ttlMs);
      const hit = await store.lookup('t');
      assert.ok(hit, 'present before expiry');
      assert.ok(hit.ttlMs > 0 && hit.ttlMs <= ttlMs, `ttl ${hit.ttlMs} within (0, ${ttlMs}]`);
      harness.passTime(ttlMs);
      await waitFor(async () => (await store.get('t')) === undefined, ttlMs + 3000, 'expiry');
      assert.equal(await store.lookup('t'), undefined);
    });

    it('deletes one key', async () => {
      const { store } = await open();
      await store.set('a', sampleEntry(1), 60_000);
      await store.set('b', sampleEntry(2), 60_000);
      assert.equal(await store.delete('a'), true);
      assert.equal(await store.delete('a'), false);
      assert.equal(await store.get('a'), undefined);
      assert.deepEqual(await store.get('b'), sampleEntry(2));
    });

    it('purges by prefix, glob characters taken literally', async () => {
      const { store } = await open();
      for (const k of ['GET/a/1', 'GET/a/2', 'GET/b/1', 'x*[?]\\/1', 'xy/1']) {
        await store.set(k, sampleEntry(k.length), 60_000);
      }
      assert.equal(await store.purgePrefix('GET/a/'), 2);
      assert.equal(await store.get('GET/a/1'), undefined);
      assert.ok(await store.get('GET/b/1'));
      assert.equal(await store.purgePrefix('x*[?]\\'), 1);
      assert.ok(await store.get('xy/1'), 'a glob prefix does not match other keys');
      assert.equal(await store.purgePrefix('nothing/'), 0);
    });

    it('counts stats: entries and bytes when exact, no evictions or degraded ops when healthy', async () => {
      const { store, exactStats } = await open();
      const a = sampleEntry(1, 1000);
      const b = sampleEntry(2, 10);
      await store.set('a', a, 60_000);
      await store.set('b', b, 60_000);
      const s = store.stats();
      if (exactStats) {
        assert.equal(s.entries, 2);
        assert.equal(s.bytes, entrySize('a', a) + entrySize('b', b));
        await store.delete('a');
        assert.deepEqual(store.stats(), { entries: 1, bytes: entrySize('b', b), evictions: 0, degraded: 0 });
      }
      assert.equal(s.evictions, 0);
      assert.equal(s.degraded, 0);
    });
  });
}
